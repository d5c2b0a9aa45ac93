using Bard.Data;

namespace Bard.Tests.Data;

public class SampleStatisticsTests
{
    static BudgetedSample S(int budget, int length, bool accepted = true) => new($"p{budget}-{length}", budget, "t", "1", length, "c", accepted);

    [Fact]
    public void Compute_TwoBudgets_HandComputedMeansSpreadsAndErrors()
    {
        // b=10: L = 9, 11 → mean 10, std 1, |L-b|/b = 0.1 each. b=20: L = 20, 30 (rejected) → mean 25, std 5, errors 0 and 0.5.
        var stats = SampleStatistics.Compute([S(10, 9), S(10, 11), S(20, 20), S(20, 30, accepted: false)]);
        Assert.Equal(4, stats.Count);
        Assert.Equal(3, stats.Accepted);
        var b10 = stats.PerBudget[0];
        Assert.Equal((10, 2, 2, 10.0, 1.0, 9, 11), (b10.Budget, b10.Count, b10.Accepted, b10.MeanTokens, b10.StdTokens, b10.MinTokens, b10.MaxTokens));
        Assert.Equal(0.1, b10.MeanRelativeError, 12);
        var b20 = stats.PerBudget[1];
        Assert.Equal((25.0, 5.0), (b20.MeanTokens, b20.StdTokens));
        Assert.Equal(0.25, b20.MeanRelativeError, 12);
        Assert.Equal(0.0, b20.MeanRelativeErrorAccepted, 12);
        Assert.Equal((0.1 + 0.1 + 0 + 0.5) / 4, stats.MeanRelativeError, 12);
        Assert.Equal(0.2 / 3, stats.MeanRelativeErrorAccepted, 12);
    }

    [Fact]
    public void LengthHistogram_Lengths_FallInPowerOfTwoBins() => Assert.Equal(
        [(0, 0, 1), (1, 1, 1), (2, 3, 2), (4, 7, 0), (8, 15, 1)],
        SampleStatistics.LengthHistogram([0, 1, 2, 3, 15]));
}
