namespace Bard.Data;

/// <summary>
/// One training sample of BARD's SFT phase: a problem's reasoning rewritten to fit a thinking budget
/// (schema <c>budgeted_sample</c> v1). The budget and the measured length are in the student's tokens.
/// </summary>
/// <param name="ProblemId">The <see cref="Problem.Id"/> it answers.</param>
/// <param name="Budget">The thinking budget b, in student tokens, that the prompt will state.</param>
/// <param name="Thinking">The rewritten reasoning, without the think tags.</param>
/// <param name="Answer">The final answer, as text.</param>
/// <param name="ThinkingTokens">Length L of <see cref="Thinking"/> measured with the student's tokenizer.</param>
/// <param name="Compressor">Who rewrote it (e.g. <c>embedded-compressor/1</c>).</param>
/// <param name="Accepted">Whether L is within the compressor's tolerance of b (and the answer is correct); dataset assembly keeps only accepted samples.</param>
public sealed record BudgetedSample(
    string ProblemId, int Budget, string Thinking, string Answer, int ThinkingTokens, string Compressor, bool Accepted)
{
    /// <summary>Relative length error |L − b| / b.</summary>
    public double RelativeLengthError => Budget > 0 ? Math.Abs(ThinkingTokens - Budget) / (double)Budget : double.NaN;
}
