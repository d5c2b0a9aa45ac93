using Bard.Eval;
using Bard.Rl;

namespace Bard.Tests.Rl;

public class RlStepMetricsTests
{
    static void Near(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12, $"{what}: expected {expected:R}, got {actual:R}");

    [Fact]
    public void Of_HandBuiltBatch_MatchesHandComputedMetrics()
    {
        var config = new RewardConfig(); // multiplicative, linear τ = 0.5, gate on, truncations masked
        ScoredSample[] batch =
        [
            // Group 1, b = 10: correct at L = 10 (r 1, f 1); wrong at L = 12 (r 0, f 0.6).
            new(1, 10, 10, Reward.Of(new Judgement(true, true, 10), 10, config)),
            new(1, 10, 12, Reward.Of(new Judgement(false, true, 12), 10, config)),
            // Group 2, b = 20: correct at L = 25 (r 0.5, f 0.5); truncated, unclosed at L = 30 (r 0, f 0, masked).
            new(2, 20, 25, Reward.Of(new Judgement(true, true, 25), 20, config)),
            new(2, 20, 30, Reward.Of(new Judgement(false, false, 30), 20, new CompletionLength(30, 30, true), config)),
        ];
        var m = RlStepMetrics.Of(batch);
        Assert.Equal(4, m.Samples);
        Near(0.375, m.RewardMean, "reward_mean = (1 + 0 + 0.5 + 0)/4");
        Near(0.414578098794425, m.RewardStd, "reward_std = √(0.6875/4) (population)");
        Near(0.5, m.Accuracy, "accuracy");
        Near(0.525, m.FidelityMean, "fidelity_mean = (1 + 0.6 + 0.5 + 0)/4");
        Near(1.2375, m.LengthRatioMean, "length_ratio_mean = (1 + 1.2 + 1.25 + 1.5)/4");
        Near(0.75, m.OverBudgetRate, "over_budget_rate");
        Near(0.5, m.ZeroStdGroupShare, "zero_std_group_share: group 2 keeps one sample once the truncation is masked");
        Near(0.25, m.ClippedRatio, "clipped_ratio");
        Assert.Equal(m.RewardMean, m.ToDictionary()["reward_mean"]);
        Assert.Equal(8, m.ToDictionary().Count);
    }

    [Fact]
    public void Of_EmptyBatch_Throws()
    {
        Assert.Throws<BardException>(() => RlStepMetrics.Of([]));
    }
}
