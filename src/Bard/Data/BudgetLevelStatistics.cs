namespace Bard.Data;

/// <summary>Length statistics of the samples at one budget (lengths in student tokens).</summary>
/// <param name="Budget">The budget b.</param>
/// <param name="Count">Samples at b.</param>
/// <param name="Accepted">Of which accepted.</param>
/// <param name="MeanTokens">Mean thinking length L.</param>
/// <param name="StdTokens">Population standard deviation of L.</param>
/// <param name="MinTokens">Shortest L.</param>
/// <param name="MaxTokens">Longest L.</param>
/// <param name="MeanRelativeError">Mean |L − b| / b over all samples at b.</param>
/// <param name="MeanRelativeErrorAccepted">Mean |L − b| / b over accepted samples (NaN when none).</param>
public sealed record BudgetLevelStatistics(
    int Budget, int Count, int Accepted, double MeanTokens, double StdTokens, int MinTokens, int MaxTokens,
    double MeanRelativeError, double MeanRelativeErrorAccepted);
