using Bard.Eval;

namespace Bard.Tests.Eval;

public class BudgetMetricsTests
{
    static EvalSample S(int? budget, int thinking, bool correct, string id = "p", bool closed = true, bool truncated = false, int answer = 10) =>
        new("bard", budget, id, correct, thinking, closed, answer, correct ? "1" : "2", truncated);

    [Fact]
    public void Compute_FourSamples_HandComputedMetrics()
    {
        // b = 100, L = 50, 100, 150, 300: |L−b|/b = 0.5, 0, 0.5, 2 → mean 0.75; over budget (L > b): 150, 300 → 0.5.
        // mean L = 150, median L = (100 + 150)/2 = 125; correct 3/4.
        var samples = new[] { S(100, 50, true, "a"), S(100, 100, true, "b"), S(100, 150, true, "c", answer: 20), S(100, 300, false, "d", closed: false, truncated: true) };
        var m = BudgetMetrics.Compute(100, samples);
        Assert.Equal(100, m.Budget);
        Assert.Equal(4, m.N);
        Assert.Equal(0.75, m.Accuracy);
        Assert.Equal(150, m.MeanThinkingTokens);
        Assert.Equal(125, m.MedianThinkingTokens);
        Assert.Equal(0.75, m.MeanAbsRelDev!.Value, 12);
        Assert.Equal(0.5, m.OverBudgetRate);
        Assert.Equal(0.75, m.ClosedThinkingRate);
        Assert.Equal(0.25, m.TruncatedRate);
        Assert.Equal(12.5, m.MeanAnswerTokens);
        Assert.Equal(WilsonInterval.Of(3, 4), m.AccuracyCi);
        // (mean L − b)/b = (150 − 100)/100; RMSE: √((0.25 + 0 + 0.25 + 4)/4) = √1.125.
        Assert.Equal(0.5, m.MeanSignedRelDev!.Value, 12);
        Assert.Equal(Math.Sqrt(1.125), m.RmseRelDev!.Value, 12);
    }

    [Theory]
    // b, L values, (mean L − b)/b, RMSE of (L − b)/b: the signed error cancels where the absolute one does not
    [InlineData(10, new[] { 5, 15 }, 0.0, 0.5)]
    [InlineData(20, new[] { 10, 10, 10 }, -0.5, 0.5)]
    [InlineData(8, new[] { 8 }, 0.0, 0.0)]
    public void Compute_SignedAndRmseRelativeDeviation(int budget, int[] lengths, double signed, double rmse)
    {
        var m = BudgetMetrics.Compute(budget, lengths.Select((l, i) => S(budget, l, true, $"p{i}")).ToArray());
        Assert.Equal(signed, m.MeanSignedRelDev!.Value, 12);
        Assert.Equal(rmse, m.RmseRelDev!.Value, 12);
    }

    [Fact]
    public void Compute_NoBudget_SignedAndRmseAreNull()
    {
        var m = BudgetMetrics.Compute(null, [S(null, 40, true)]);
        Assert.Null(m.MeanSignedRelDev);
        Assert.Null(m.RmseRelDev);
    }

    [Theory]
    // b, L values, expected mean |L−b|/b, expected over-budget rate, expected median
    [InlineData(10, new[] { 10 }, 0.0, 0.0, 10.0)]          // exactly at budget: not over
    [InlineData(10, new[] { 11 }, 0.1, 1.0, 11.0)]
    [InlineData(200, new[] { 0, 100, 400 }, 0.8333333333, 1 / 3.0, 100.0)] // (1 + 0.5 + 1)/3
    [InlineData(64, new[] { 32, 32, 96, 64 }, 0.375, 0.25, 48.0)]          // (0.5 + 0.5 + 0.5 + 0)/4
    public void Compute_DeviationOverBudgetAndMedian(int budget, int[] lengths, double dev, double over, double median)
    {
        var m = BudgetMetrics.Compute(budget, lengths.Select((l, i) => S(budget, l, true, $"p{i}")).ToArray());
        Assert.Equal(dev, m.MeanAbsRelDev!.Value, 9);
        Assert.Equal(over, m.OverBudgetRate!.Value, 12);
        Assert.Equal(median, m.MedianThinkingTokens);
    }

    [Fact]
    public void Compute_EmptyBudget_NIsZeroAndMetricsNull()
    {
        var m = BudgetMetrics.Compute(256, []);
        Assert.Equal(0, m.N);
        Assert.Null(m.Accuracy);
        Assert.Null(m.AccuracyCi);
        Assert.Null(m.MeanThinkingTokens);
        Assert.Null(m.MedianThinkingTokens);
        Assert.Null(m.MeanAbsRelDev);
        Assert.Null(m.OverBudgetRate);
    }

    [Fact]
    public void Compute_NoBudget_BudgetMetricsNullOthersSet()
    {
        var m = BudgetMetrics.Compute(null, [S(null, 40, true), S(null, 60, false)]);
        Assert.Equal(0.5, m.Accuracy);
        Assert.Equal(50, m.MeanThinkingTokens);
        Assert.Null(m.MeanAbsRelDev);
        Assert.Null(m.OverBudgetRate);
    }

    [Fact]
    public void Compute_SampleWithOtherBudget_Throws() =>
        Assert.Throws<ArgumentException>(() => BudgetMetrics.Compute(100, [S(200, 10, true)]));

    [Fact]
    public void Compute_WithDifficulty_AccuracyPerLabel()
    {
        var difficulty = new Dictionary<string, string> { ["a"] = "level 1", ["b"] = "level 1", ["c"] = "level 5" };
        var m = BudgetMetrics.Compute(100, [S(100, 1, true, "a"), S(100, 1, false, "b"), S(100, 1, false, "c"), S(100, 1, true, "unlabelled")], difficulty);
        Assert.Equal([new DifficultyAccuracy("level 1", 2, 0.5), new DifficultyAccuracy("level 5", 1, 0.0)], m.PerDifficulty);
    }
}
