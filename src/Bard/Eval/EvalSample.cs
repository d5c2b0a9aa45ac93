namespace Bard.Eval;

/// <summary>
/// The outcome of one generation in an evaluation: which method at which budget answered which problem,
/// whether it was right, and how long it thought. One line of <c>samples.jsonl</c>
/// (<see cref="EvalSampleFormat"/>); metrics and reports are rebuilt from these alone.
/// </summary>
/// <param name="Method">Method name (see <see cref="EvalMethods"/>).</param>
/// <param name="Budget">The thinking budget b in tokens; null in mode <c>none</c> (no budget given).</param>
/// <param name="ProblemId">Id of the benchmark problem.</param>
/// <param name="Correct">Whether the verifier accepted the extracted answer.</param>
/// <param name="ThinkingTokens">L: tokens of the thinking part (up to and excluding the closing tag).</param>
/// <param name="ClosedThinking">Whether the model closed its thinking itself.</param>
/// <param name="AnswerTokens">Tokens after the thinking.</param>
/// <param name="ExtractedAnswer">The answer the verifier extracted; null when none was found.</param>
/// <param name="Truncated">Whether the thinking was cut by budget forcing or a length limit.</param>
public sealed record EvalSample(
    string Method,
    int? Budget,
    string ProblemId,
    bool Correct,
    int ThinkingTokens,
    bool ClosedThinking,
    int AnswerTokens,
    string? ExtractedAnswer,
    bool Truncated)
{
    /// <summary>Index of the sample when a problem is sampled several times at one budget. Default 0.</summary>
    public int SampleIndex { get; init; }

    /// <summary>The model's whole output (thinking and answer), so a grade can be checked by eye; null when not kept.</summary>
    public string? Output { get; init; }
}
