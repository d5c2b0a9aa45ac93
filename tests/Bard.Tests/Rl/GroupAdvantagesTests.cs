using Bard.Eval;
using Bard.Rl;

namespace Bard.Tests.Rl;

public class GroupAdvantagesTests
{
    static void Near(double[] expected, double[] actual, double atol, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} advantages, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= atol,
                $"{what}: advantage {i} expected {expected[i]:R}, got {actual[i]:R} (all: [{string.Join(", ", actual)}])");
    }

    [Theory]
    [InlineData(AdvantageMode.Grpo, new[] { 0.5, 0.5, 0.5, 0.5 })]
    [InlineData(AdvantageMode.DrGrpo, new[] { 0.5, 0.5, 0.5, 0.5 })]
    [InlineData(AdvantageMode.Grpo, new[] { 0.0, 0.0, 0.0 })]
    [InlineData(AdvantageMode.Grpo, new[] { 1.0, 1.0 })]
    [InlineData(AdvantageMode.Grpo, new[] { 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1 })] // mean 0.1 is not exactly 0.1 in binary
    [InlineData(AdvantageMode.Grpo, new[] { 0.7 })]
    [InlineData(AdvantageMode.DrGrpo, new[] { 0.7 })]
    public void Of_EqualRewards_AllZeroExactly(AdvantageMode mode, double[] rewards)
    {
        var a = GroupAdvantages.Of(rewards, mode);
        Assert.True(a.All(x => x == 0), $"{mode} of equal rewards: [{string.Join(", ", a)}]");
        Assert.True(GroupAdvantages.IsZeroStd(rewards));
    }

    // Hand-computed with the sample std (n − 1): [1,0,0,1] has mean ½ and std √(1/3), so ±½/√(1/3) = ±√3/2.
    [Theory]
    [InlineData(AdvantageMode.Grpo, 0.0, new[] { 1.0, 0.0, 0.0, 1.0 }, new[] { 0.8660254037844386, -0.8660254037844386, -0.8660254037844386, 0.8660254037844386 })]
    [InlineData(AdvantageMode.Grpo, 1e-4, new[] { 1.0, 0.0, 0.0, 1.0 }, new[] { 0.8658754297607016, -0.8658754297607016, -0.8658754297607016, 0.8658754297607016 })]
    [InlineData(AdvantageMode.DrGrpo, 1e-4, new[] { 1.0, 0.0, 0.0, 1.0 }, new[] { 0.5, -0.5, -0.5, 0.5 })]
    [InlineData(AdvantageMode.Grpo, 0.0, new[] { 1.0, 0.0, 0.0, 0.0 }, new[] { 1.5, -0.5, -0.5, -0.5 })]   // mean ¼, std ½
    [InlineData(AdvantageMode.DrGrpo, 0.0, new[] { 1.0, 0.0, 0.0, 0.0 }, new[] { 0.75, -0.25, -0.25, -0.25 })]
    [InlineData(AdvantageMode.Grpo, 0.0, new[] { 0.2, 0.4, 0.6 }, new[] { -1.0, 0.0, 1.0 })]              // std 0.2
    [InlineData(AdvantageMode.DrGrpo, 0.0, new[] { 0.2, 0.4, 0.6 }, new[] { -0.2, 0.0, 0.2 })]
    public void Of_HandComputedGroup_Matches(AdvantageMode mode, double epsilon, double[] rewards, double[] expected)
    {
        Near(expected, GroupAdvantages.Of(rewards, mode, epsilon), 1e-12, $"{mode} ε={epsilon} of [{string.Join(", ", rewards)}]");
    }

    [Fact]
    public void Of_Grpo_AdvantagesSumToZeroAndHaveUnitSampleStd()
    {
        double[] rewards = [0.3, 0.9, 0.1, 0.5, 0.75];
        var a = GroupAdvantages.Of(rewards, AdvantageMode.Grpo, 0);
        double std = Math.Sqrt(a.Sum(x => x * x) / (a.Length - 1));
        Assert.True(Math.Abs(a.Sum()) < 1e-12 && Math.Abs(std - 1) < 1e-12, $"sum {a.Sum():R}, sample std {std:R}");
    }

    [Fact]
    public void ForBatch_GroupsByIdExcludesMaskedSamplesAndCountsZeroStdGroups()
    {
        // Group 7: [1,0,0,1]; group 3: [½,½] (zero std); group 9: [1,0,(0 excluded)] → kept [1,0]: mean ½, std 1/√2.
        double[] rewards = [1, 0, 0.5, 0, 1, 0.5, 1, 0, 0];
        int[] groups = [7, 7, 3, 7, 7, 3, 9, 9, 9];
        bool[] excluded = [false, false, false, false, false, false, false, false, true];
        var r = GroupAdvantages.ForBatch(rewards, groups, AdvantageMode.Grpo, excluded, epsilon: 0);
        double h = Math.Sqrt(3) / 2, s = 1 / Math.Sqrt(2);
        Near([h, -h, 0, -h, h, 0, s, -s, 0], r.Advantages, 1e-12, "batch advantages");
        Assert.Equal(3, r.Groups);
        Assert.Equal(1, r.ZeroStdGroups);
        Assert.True(Math.Abs(r.ZeroStdGroupShare - 1.0 / 3) < 1e-15, $"share {r.ZeroStdGroupShare:R}");
        Assert.Equal([false, false, true, false, false, true, false, false, false], r.InZeroStdGroup);
    }

    [Fact]
    public void InLoss_DropsExcludedAlwaysAndZeroStdGroupsOnRequest()
    {
        // Group 1 [1, 0]; group 2 [½, ½] (zero std); sample 4 of group 1 excluded.
        var r = GroupAdvantages.ForBatch([1, 0, 0.5, 0.5, 1], [1, 1, 2, 2, 1], AdvantageMode.Grpo, [false, false, false, false, true]);
        Assert.Equal([true, true, true, true, false], r.InLoss(dropZeroStdGroups: false));
        Assert.Equal([true, true, false, false, false], r.InLoss(dropZeroStdGroups: true));
    }

    [Fact]
    public void ForSamples_TakesRewardsGroupsAndExclusionsFromTheScoredSamples()
    {
        var config = new RewardConfig();
        ScoredSample[] samples =
        [
            new(4, 10, 10, Reward.Of(new Judgement(true, true, 10), 10, config)),  // r 1
            new(4, 10, 10, Reward.Of(new Judgement(false, true, 10), 10, config)), // r 0
            new(4, 10, 10, Reward.Of(new Judgement(true, true, 10), 10, new CompletionLength(10, 10, true), config)),   // r 1, truncated → masked
        ];
        var r = GroupAdvantages.ForSamples(samples, AdvantageMode.DrGrpo);
        Near([0.5, -0.5, 0], r.Advantages, 1e-12, "advantages without the masked sample in the mean");
        Assert.Equal([false, false, true], r.Excluded);
    }

    [Fact]
    public void ForBatch_ExclusionLeavingEqualRewards_MakesTheGroupZeroStd()
    {
        var r = GroupAdvantages.ForBatch([1, 0, 0], [5, 5, 5], AdvantageMode.DrGrpo, [true, false, false]);
        Near([0, 0, 0], r.Advantages, 0, "advantages");
        Assert.Equal(1.0, r.ZeroStdGroupShare);
    }

    [Fact]
    public void ForBatch_WithoutExclusion_EqualsPerGroupOf()
    {
        var r = GroupAdvantages.ForBatch([0.2, 1, 0.4, 0, 0.6, 1], [1, 2, 1, 2, 1, 2], AdvantageMode.DrGrpo);
        // Group 1: [0.2,0.4,0.6] → [−0.2,0,0.2]; group 2: [1,0,1] mean ⅔ → [⅓, −⅔, ⅓].
        Near([-0.2, 1.0 / 3, 0, -2.0 / 3, 0.2, 1.0 / 3], r.Advantages, 1e-12, "batch advantages");
        Assert.Equal(0.0, r.ZeroStdGroupShare);
    }

    [Fact]
    public void ForBatch_MismatchedCounts_Throws()
    {
        var e = Assert.Throws<BardException>(() => GroupAdvantages.ForBatch([1, 0], [1], AdvantageMode.Grpo));
        Assert.Contains("group ids", e.Message);
        e = Assert.Throws<BardException>(() => GroupAdvantages.ForBatch([1, 0], [1, 1], AdvantageMode.Grpo, [true]));
        Assert.Contains("exclusion", e.Message);
    }
}
