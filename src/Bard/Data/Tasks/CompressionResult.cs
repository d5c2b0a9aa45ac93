namespace Bard.Data.Tasks;

/// <summary>What the embedded compressor chose for one budget.</summary>
/// <param name="Budget">The budget b asked for, in student tokens.</param>
/// <param name="Plan">The plan it rendered.</param>
/// <param name="Thinking">The rendered thinking.</param>
/// <param name="Tokens">Its length L in student tokens.</param>
/// <param name="Accepted">Whether |L − b| ≤ tolerance·b.</param>
public sealed record CompressionResult(int Budget, ReasoningPlan Plan, string Thinking, int Tokens, bool Accepted)
{
    /// <summary>|L − b| / b.</summary>
    public double RelativeError => Math.Abs(Tokens - Budget) / (double)Budget;
}
