using Bard.Demo;
using Bard.Eval;

namespace Bard.Tests.Demo;

public class DemoClaimsTests
{
    static readonly int[] Budgets = [4, 16, 64];

    /// <summary>100 samples of <paramref name="method"/> at each budget: accuracy[i] of them correct, thinking length length(b).</summary>
    static IEnumerable<EvalSample> Method(string method, double[] accuracy, Func<int, int> length) =>
        Budgets.SelectMany((b, i) => Enumerable.Range(0, 100).Select(k =>
            new EvalSample(method, b, $"p{k}", k < accuracy[i] * 100, length(b), true, 2, "1", false)));

    static Dictionary<string, Claim> Claims(params IEnumerable<EvalSample>[] methods) =>
        DemoClaims.Evaluate(EvalSummary.FromSamples("embedded", Budgets, 1, methods.SelectMany(m => m))).ToDictionary(c => c.Name);

    [Fact]
    public void Evaluate_RunThatReproduces_EveryClaimHolds()
    {
        var claims = Claims(
            Method(EvalMethods.Bard, [0.5, 0.8, 0.95], b => b),
            Method(EvalMethods.Truncation, [0.1, 0.1, 0.1], b => b),
            Method(EvalMethods.BardSft, [0.4, 0.7, 0.9], b => b + b / 4),
            Method(EvalMethods.BardRlOnly, [0.05, 0.05, 0.05], _ => 0),
            Method(EvalMethods.BardAdditive, [0.2, 0.3, 0.3], b => b / 2));
        Assert.Equal(6, claims.Count);
        Assert.All(claims.Values, c => Assert.True(c.Holds, $"{c.Name}: {c.Evidence}"));
        Assert.Contains("mean |L − b|/b 0.000", claims[DemoClaims.LengthFollowsBudget].Evidence);
        // bard − bard_sft: (10 + 10 + 5)/3 = 8.3 points.
        Assert.Contains("+8.3 points", claims[DemoClaims.RlBeatsSft].Evidence);
        Assert.EndsWith(": both", claims[DemoClaims.RlAloneCollapses].Evidence); // 70 points down and |L − b|/b = 1
    }

    [Fact]
    public void Evaluate_TodaysFailureModes_AreReportedAsNotHolding()
    {
        // A dip of 30 points at b = 16, RL equal to SFT, an additive run equal to bard, RL-only as good as bard.
        var claims = Claims(
            Method(EvalMethods.Bard, [0.8, 0.5, 0.9], b => 2 * b),
            Method(EvalMethods.BardSft, [0.8, 0.5, 0.9], b => 2 * b),
            Method(EvalMethods.BardRlOnly, [0.7, 0.5, 0.9], b => b),
            Method(EvalMethods.BardAdditive, [0.8, 0.5, 0.9], b => 2 * b));
        Assert.Equal(5, claims.Count); // no truncation method: that claim is left out
        Assert.False(claims[DemoClaims.LengthFollowsBudget].Holds);   // |L − b|/b = 1
        Assert.False(claims[DemoClaims.AccuracyRisesWithBudget].Holds); // the dip
        Assert.False(claims[DemoClaims.RlBeatsSft].Holds);
        Assert.False(claims[DemoClaims.RlAloneCollapses].Holds);
        Assert.False(claims[DemoClaims.AdditiveDrifts].Holds);
        Assert.Contains("largest drop between neighbours 30.0 points", claims[DemoClaims.AccuracyRisesWithBudget].Evidence);
    }

    [Theory]
    // Accuracy up 10 points with the same length error; length error down to a fifth with the same accuracy: neither alone is the claim.
    [InlineData(0.10, 1.0, false)]
    [InlineData(0.0, 0.2, false)]
    [InlineData(0.10, 0.2, true)]
    public void Evaluate_RlBeatsSft_NeedsBothMoreAccuracyAndLessLengthError(double gain, double devFactor, bool holds)
    {
        // bard_sft: |L − b|/b = 0.25 at every budget; bard: 0.25 × devFactor.
        var claims = Claims(
            Method(EvalMethods.Bard, [0.5 + gain, 0.7 + gain, 0.8 + gain], b => b + (int)Math.Round(b / 4.0 * devFactor)),
            Method(EvalMethods.BardSft, [0.5, 0.7, 0.8], b => b + b / 4));
        var claim = claims[DemoClaims.RlBeatsSft];
        Assert.Equal(holds, claim.Holds);
        Assert.Contains(gain > 0 ? "points), met);" : "points), not met);", claim.Evidence);
        Assert.Contains(devFactor < 1 ? "≤ 0.010, met" : "≤ 0.010, not met", claim.Evidence);
    }

    [Fact]
    public void Claims_RoundTripThroughSummaryJson()
    {
        var summary = EvalSummary.FromSamples("embedded", Budgets, 1, Method(EvalMethods.Bard, [0.5, 0.6, 0.7], b => b)) is var s
            ? s with { Claims = DemoClaims.Evaluate(s) } : null!;
        var back = EvalSummaryJson.Parse(EvalSummaryJson.ToJson(summary), "summary.json");
        Assert.Equal(summary.Claims, back.Claims);
        Assert.Contains("| length follows the budget | yes |", ReportMarkdown.Render(back, []));
    }
}
