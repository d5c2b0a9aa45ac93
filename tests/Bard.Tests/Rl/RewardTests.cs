using Bard.Eval;
using Bard.Rl;

namespace Bard.Tests.Rl;

public class RewardTests
{
    static readonly RewardConfig Default = new();
    static readonly RewardConfig Additive = new() { Combination = RewardCombination.Additive };

    /// <summary>A completion of <paramref name="thinking"/> thinking tokens, cut at the maximum length when <paramref name="truncated"/>.</summary>
    static Reward Of(bool correct, bool closed, int thinking, int budget, bool truncated, RewardConfig config) =>
        Reward.Of(new Judgement(correct, closed, thinking), budget, new CompletionLength(thinking, truncated ? thinking : thinking + 10, truncated), config);

    static void Near(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12, $"{what}: expected {expected:R}, got {actual:R}");

    // Rows: correct, closed, L, b → value under the default (multiplicative, gate on, τ = 0.5) and under additive (λ = 1).
    [Theory]
    [InlineData(true, true, 100, 100, 1.0, 2.0)]
    [InlineData(true, true, 125, 100, 0.5, 1.5)]
    [InlineData(true, true, 150, 100, 0.0, 1.0)]
    [InlineData(false, true, 100, 100, 0.0, 1.0)]   // wrong at perfect length: 0 multiplicative, λ additive
    [InlineData(false, true, 80, 100, 0.0, 0.6)]
    [InlineData(false, true, 0, 100, 0.0, 0.0)]
    [InlineData(true, false, 100, 100, 0.0, 0.0)]   // gate: no closed thinking → 0 under both
    [InlineData(false, false, 100, 100, 0.0, 0.0)]
    public void Of_MultiplicativeAndAdditive_MatchHandComputedRow(bool correct, bool closed, int thinking, int budget, double multiplicative, double additive)
    {
        var m = Reward.Of(new Judgement(correct, closed, thinking), budget, Default);
        var a = Reward.Of(new Judgement(correct, closed, thinking), budget, Additive);
        Near(multiplicative, m.Value, $"multiplicative r(correct={correct}, closed={closed}, L={thinking}, b={budget})");
        Near(additive, a.Value, $"additive r(correct={correct}, closed={closed}, L={thinking}, b={budget})");
        Assert.Equal(!closed, m.Gated);
        Assert.False(m.ExcludedFromLoss);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.5, 0.5)]
    [InlineData(2.0, 2.0)]
    public void Of_AdditiveWrongAnswerAtPerfectLength_EarnsLambdaWhileMultiplicativeEarnsZero(double lambda, double expected)
    {
        var additive = Reward.Of(new Judgement(false, true, 40), 40, Additive with { Lambda = lambda });
        var multiplicative = Reward.Of(new Judgement(false, true, 40), 40, Default);
        Near(expected, additive.Value, $"additive λ={lambda}");
        Near(0, multiplicative.Value, "multiplicative");
    }

    [Fact]
    public void Of_GateOff_UnclosedThinkingIsScoredLikeClosed()
    {
        var config = Default with { FormatGate = false };
        var r = Reward.Of(new Judgement(true, false, 125), 100, config);
        Near(0.5, r.Value, "gate off, correct, L = 1.25 b");
        Assert.False(r.Gated);
    }

    [Fact]
    public void Of_Gated_StillReportsCorrectnessAndFidelity()
    {
        var r = Reward.Of(new Judgement(true, false, 90), 100, Default);
        Assert.Equal(new Reward(0, 1, 0.8, true, false, false, 0), r with { Fidelity = Math.Round(r.Fidelity, 12) });
    }

    // Rows: mode, correct, closed, truncated → value, excluded from loss, penalty (L = b = 100, penalty 1).
    [Theory]
    [InlineData(TruncationHandling.Mask, true, true, true, 1.0, true, 0.0)]
    [InlineData(TruncationHandling.Mask, false, false, true, 0.0, true, 0.0)]
    [InlineData(TruncationHandling.Mask, true, true, false, 1.0, false, 0.0)]
    [InlineData(TruncationHandling.Zero, true, true, true, 0.0, false, 0.0)]
    [InlineData(TruncationHandling.Zero, true, true, false, 1.0, false, 0.0)]
    [InlineData(TruncationHandling.Penalize, true, true, true, 0.0, false, 1.0)]
    [InlineData(TruncationHandling.Penalize, false, true, true, -1.0, false, 1.0)]
    [InlineData(TruncationHandling.Penalize, false, false, true, -1.0, false, 1.0)] // gate first, then the penalty
    [InlineData(TruncationHandling.Penalize, true, true, false, 1.0, false, 0.0)]
    public void Of_TruncationModes_MatchHandComputedRow(TruncationHandling mode, bool correct, bool closed, bool truncated,
        double value, bool excluded, double penalty)
    {
        var r = Of(correct, closed, 100, 100, truncated, Default with { Truncation = mode });
        Near(value, r.Value, $"{mode} correct={correct} closed={closed} truncated={truncated}: value");
        Near(penalty, r.Penalty, $"{mode}: penalty");
        Assert.Equal(excluded, r.ExcludedFromLoss);
        Assert.Equal(truncated, r.Truncated);
    }

    // DAPO soft overlong buffer: max 256, buffer 32, penalty 1 → linear from 0 at 224 tokens to 1 at 256.
    [Theory]
    [InlineData(200, false, 1.0, 0.0)]
    [InlineData(224, false, 1.0, 0.0)]
    [InlineData(240, false, 0.5, 0.5)]
    [InlineData(248, false, 0.25, 0.75)]
    [InlineData(256, false, 0.0, 1.0)]
    [InlineData(256, true, 0.0, 1.0)]
    public void Of_SoftOverlongBuffer_PenaltyIsLinearInsideTheBuffer(int completion, bool truncated, double value, double penalty)
    {
        var config = Default with { Truncation = TruncationHandling.Penalize, OverlongBuffer = 32 };
        var r = Reward.Of(new Judgement(true, true, 50), 50, new CompletionLength(completion, 256, truncated), config);
        Near(value, r.Value, $"n={completion} truncated={truncated}: value");
        Near(penalty, r.Penalty, $"n={completion}: penalty");
    }

    [Fact]
    public void Of_SoftBufferWithoutLengths_ThrowsPointingToTheOverload()
    {
        var config = Default with { Truncation = TruncationHandling.Penalize, OverlongBuffer = 32 };
        var e = Assert.Throws<BardException>(() => Reward.Of(new Judgement(true, true, 50), 50, config));
        Assert.Contains("CompletionLength", e.Message);
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(11, 10)]
    [InlineData(0, 0)]
    public void Of_CompletionLengthOutsideZeroToMax_IsRefused(int tokens, int max)
    {
        var e = Assert.Throws<BardException>(() => Reward.Of(new Judgement(true, true, 5), 5, new CompletionLength(tokens, max, false), Default));
        Assert.Contains("length", e.Message);
    }

    [Fact]
    public void Of_ZeroBudget_Throws()
    {
        var e = Assert.Throws<BardException>(() => Reward.Of(new Judgement(true, true, 5), 0, Default));
        Assert.Contains("budget", e.Message);
    }
}
