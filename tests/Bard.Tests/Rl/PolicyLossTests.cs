using Bard.Rl;
using static TorchSharp.torch;

namespace Bard.Tests.Rl;

public class PolicyLossTests
{
    static readonly PolicyLossSettings Dapo = new(); // ε_low 0.2, ε_high 0.28, token-level, β 0

    static Tensor T(double[,] values) => tensor(values, dtype: ScalarType.Float32);
    static Tensor V(params double[] values) => tensor(values, dtype: ScalarType.Float32);
    static Tensor Leaf(double[,] values) => T(values).requires_grad_(true);

    static void Near(double expected, double actual, double atol, string what) =>
        Assert.True(Math.Abs(expected - actual) <= atol, $"{what}: expected {expected:R}, got {actual:R}");

    [Fact]
    public void Compute_IdenticalLogProbs_LossIsMinusMeanAdvantageAndNothingClips()
    {
        using var scope = NewDisposeScope();
        var lp = T(new double[,] { { -1, -2 }, { -0.5, -3 } });
        var r = PolicyLoss.Compute(lp, lp, V(2, -1), ones_like(lp), Dapo);
        Near(-0.5, r.Loss.item<float>(), 1e-6, "loss = −mean(A) = −(2 − 1)/2");
        Near(0, r.ClipFraction, 0, "clip fraction");
        Near(1, r.MeanRatio, 1e-6, "mean ratio");
        Near(0, r.Kl, 0, "kl without reference");
        Assert.Equal(4, r.CountedTokens);
    }

    [Fact]
    public void Compute_OldAsTheNewDetached_GivesTheGradientOfASeparateEqualOldPass()
    {
        // RlTrainer's on-policy shortcut (one inner step): old = new.detach() instead of a second forward pass.
        using var scope = NewDisposeScope();
        var values = new double[,] { { -1, -2, -0.25 }, { -0.5, -3, -1.5 } };
        var mask = T(new double[,] { { 1, 1, 1 }, { 1, 1, 0 } });
        var adv = V(1.5, -0.75);
        var a = Leaf(values);
        PolicyLoss.Compute(a, a.detach(), adv, mask, Dapo).Loss.backward();
        var b = Leaf(values);
        PolicyLoss.Compute(b, T(values), adv, mask, Dapo).Loss.backward();
        TensorAssert.Equal(b.grad!, a.grad!, "∂loss/∂new");
        Assert.True(a.grad!.abs().sum().item<float>() > 0, "the gradient flows through the new log-probs");
    }

    [Theory]
    [InlineData(LossAggregation.TokenLevel)]
    [InlineData(LossAggregation.SequenceMean)]
    public void Compute_RowsOutOfTheMask_CanBeLeftOutWithoutChangingLossOrGradient(LossAggregation aggregation)
    {
        // RlTrainer leaves rows out of the loss (masked truncations, dropped zero-spread groups) out of the update's forward pass.
        using var scope = NewDisposeScope();
        var settings = Dapo with { Aggregation = aggregation };
        var all = Leaf(new double[,] { { -1, -2, -0.25 }, { -0.5, -3, -1.5 }, { -0.1, -0.2, -0.3 } });
        var old = T(new double[,] { { -1.1, -1.8, -0.3 }, { -0.4, -3, -1.2 }, { -0.3, -0.2, -0.1 } });
        var full = PolicyLoss.Compute(all, old, V(1.5, 0.4, -0.75), T(new double[,] { { 1, 1, 1 }, { 0, 0, 0 }, { 1, 1, 0 } }), settings);
        full.Loss.backward();
        var kept = Leaf(new double[,] { { -1, -2, -0.25 }, { -0.1, -0.2, -0.3 } });
        var part = PolicyLoss.Compute(kept, T(new double[,] { { -1.1, -1.8, -0.3 }, { -0.3, -0.2, -0.1 } }), V(1.5, -0.75), T(new double[,] { { 1, 1, 1 }, { 1, 1, 0 } }), settings);
        part.Loss.backward();
        // float32 sums of the same counted values in another layout: equal to a few ulps of a loss of order 1.
        Near(full.Loss.item<float>(), part.Loss.item<float>(), 1e-6, "loss");
        Assert.Equal(full.CountedTokens, part.CountedTokens);
        Near(full.ClipFraction, part.ClipFraction, 1e-12, "clip fraction");
        Near(full.MeanRatio, part.MeanRatio, 1e-6, "mean ratio");
        TensorAssert.Close(cat([all.grad![0..1], all.grad![2..3]]), kept.grad!, 1e-7, "∂loss/∂new of the kept rows");
    }

    [Fact]
    public void Compute_IdenticalLogProbsUnequalLengths_TokenLevelWeighsTokensSequenceMeanWeighsSequences()
    {
        using var scope = NewDisposeScope();
        var lp = T(new double[,] { { -1, -2, -3 }, { -0.5, -0.5, 0 } });
        var mask = T(new double[,] { { 1, 1, 1 }, { 1, 1, 0 } });
        var adv = V(2, -1);
        // Token-level: (3·(−2) + 2·(+1)) / 5 = −0.8. Per sequence: (−2 + 1) / 2 = −0.5.
        Near(-0.8, PolicyLoss.Compute(lp, lp, adv, mask, Dapo).Loss.item<float>(), 1e-6, "token-level");
        Near(-0.5, PolicyLoss.Compute(lp, lp, adv, mask, Dapo with { Aggregation = LossAggregation.SequenceMean }).Loss.item<float>(), 1e-6, "sequence mean");
    }

    // One token per row: ρ, A → loss −min(ρA, clip(ρ, 0.8, 1.28)A), clipped?, ∂loss/∂new (−ρA when unclipped, 0 when clipped).
    [Theory]
    [InlineData(1.5, 1.0, -1.28, true, 0.0)]     // A > 0 and ρ > 1 + ε_high: clipped at 1.28, no gradient
    [InlineData(0.5, -1.0, 0.8, true, 0.0)]      // A < 0 and ρ < 1 − ε_low: clipped at 0.8, no gradient
    [InlineData(0.5, 1.0, -0.5, false, -0.5)]    // A > 0 below the range: the unclipped term is smaller, gradient flows
    [InlineData(1.5, -1.0, 1.5, false, 1.5)]     // A < 0 above the range: pessimistic, gradient flows
    [InlineData(1.1, 2.0, -2.2, false, -2.2)]    // inside the range
    [InlineData(1.25, 1.0, -1.25, false, -1.25)] // between 1 + 0.2 and 1 + 0.28: only clip-higher lets it through
    [InlineData(0.9, -2.0, 1.8, false, 1.8)]
    public void Compute_OneToken_MatchesHandComputedClipRow(double rho, double advantage, double loss, bool clipped, double grad)
    {
        using var scope = NewDisposeScope();
        var oldLp = T(new double[,] { { -2 } });
        var newLp = Leaf(new double[,] { { -2 + Math.Log(rho) } });
        var r = PolicyLoss.Compute(newLp, oldLp, V(advantage), ones_like(oldLp), Dapo);
        r.Loss.backward();
        string row = $"ρ={rho} A={advantage}";
        Near(loss, r.Loss.item<float>(), 1e-5, $"{row}: loss");
        Near(clipped ? 1 : 0, r.ClipFraction, 0, $"{row}: clip fraction");
        Near(rho, r.MeanRatio, 1e-5, $"{row}: mean ratio");
        Near(grad, newLp.grad!.item<float>(), 1e-5, $"{row}: ∂loss/∂new");
    }

    [Fact]
    public void Compute_ClipFraction_CountsOnlyCountedTokensWhereTheClipWins()
    {
        using var scope = NewDisposeScope();
        // A = [1, −1]; ratios row 0: [1.5 (clipped), 1.0, 2.0 (masked)], row 1: [0.5 (clipped), 1.5 (not: A < 0 above)].
        var oldLp = zeros(2, 3);
        var newLp = T(new double[,] { { Math.Log(1.5), 0, Math.Log(2) }, { Math.Log(0.5), Math.Log(1.5), 0 } });
        var mask = T(new double[,] { { 1, 1, 0 }, { 1, 1, 0 } });
        var r = PolicyLoss.Compute(newLp, oldLp, V(1, -1), mask, Dapo);
        Near(0.5, r.ClipFraction, 0, "2 of 4 counted tokens clipped");
        Near((1.5 + 1 + 0.5 + 1.5) / 4, r.MeanRatio, 1e-6, "mean ratio over counted tokens");
    }

    [Fact]
    public void Compute_UnequalLengths_AggregationsMatchHandComputedValues()
    {
        using var scope = NewDisposeScope();
        // A = 1 everywhere, ratios inside the clip range, so loss_t = −ρ_t: seq 0 [−1, −1.2, −0.9], seq 1 [−1.1, pad, pad].
        // The padding holds −∞ log-probs: it must not leak in.
        double ninf = double.NegativeInfinity;
        var oldLp = zeros(2, 3);
        var newLp = Leaf(new double[,] { { 0, Math.Log(1.2), Math.Log(0.9) }, { Math.Log(1.1), ninf, ninf } });
        var mask = T(new double[,] { { 1, 1, 1 }, { 1, 0, 0 } });
        var adv = V(1, 1);

        var token = PolicyLoss.Compute(newLp, oldLp, adv, mask, Dapo);
        Near(-4.2 / 4, token.Loss.item<float>(), 1e-6, "token-level: −(1 + 1.2 + 0.9 + 1.1)/4");
        var seq = PolicyLoss.Compute(newLp, oldLp, adv, mask, Dapo with { Aggregation = LossAggregation.SequenceMean });
        Near((-3.1 / 3 - 1.1) / 2, seq.Loss.item<float>(), 1e-6, "sequence mean: (−3.1/3 − 1.1)/2");
        var constant = PolicyLoss.Compute(newLp, oldLp, adv, mask, Dapo with { Aggregation = LossAggregation.ConstantLength, ConstantLength = 4 });
        Near(-4.2 / 8, constant.Loss.item<float>(), 1e-6, "Dr. GRPO: −4.2/(B·4)");

        // Token-level gradient: −ρ_t / 4 on counted tokens, exactly 0 (not NaN) on padding.
        token.Loss.backward();
        TensorAssert.Close(T(new double[,] { { -1 / 4.0, -1.2 / 4, -0.9 / 4 }, { -1.1 / 4, 0, 0 } }), newLp.grad!, 1e-6, "∂token-level/∂new");
    }

    [Fact]
    public void Compute_SequenceMean_FullyMaskedSequenceDoesNotCountAsASequence()
    {
        using var scope = NewDisposeScope();
        var lp = zeros(2, 2);
        var r = PolicyLoss.Compute(lp, lp, V(3, 100), T(new double[,] { { 1, 1 }, { 0, 0 } }), Dapo with { Aggregation = LossAggregation.SequenceMean });
        Near(-3, r.Loss.item<float>(), 1e-6, "only sequence 0 counts");
    }

    [Fact]
    public void Compute_AllMasked_LossIsZeroAndFinite()
    {
        using var scope = NewDisposeScope();
        var newLp = zeros(2, 2).requires_grad_(true);
        var r = PolicyLoss.Compute(newLp, zeros(2, 2), V(1, -1), zeros(2, 2), Dapo);
        r.Loss.backward();
        Near(0, r.Loss.item<float>(), 0, "loss");
        Assert.Equal(0, r.CountedTokens);
        Assert.True(newLp.grad!.abs().sum().item<float>() == 0, "gradient must be zero");
    }

    [Fact]
    public void Compute_KlOfIdenticalLogProbs_IsZero()
    {
        using var scope = NewDisposeScope();
        var lp = T(new double[,] { { -1, -2 }, { -0.3, -4 } });
        var r = PolicyLoss.Compute(lp, lp, V(0, 0), ones_like(lp), Dapo with { Beta = 0.5 }, refLogProbs: lp);
        Near(0, r.Kl, 1e-7, "mean kl");
        Near(0, r.KlLoss, 1e-7, "kl loss");
        Near(0, r.Loss.item<float>(), 1e-7, "loss");
    }

    [Fact]
    public void Compute_KlK3_MatchesHandComputedValueAndGradient()
    {
        using var scope = NewDisposeScope();
        // log r = ref − new = ln 2 → 2 − ln 2 − 1 = 0.30685; log r = −1 → e⁻¹ + 1 − 1 = 0.36788. Mean 0.33737.
        var newLp = Leaf(new double[,] { { -2, -1 } });
        var refLp = T(new double[,] { { -2 + Math.Log(2), -2 } });
        var r = PolicyLoss.Compute(newLp, newLp.detach(), V(0), ones_like(refLp), Dapo with { Beta = 0.1 }, refLogProbs: refLp);
        Near(0.33736613030574847, r.Kl, 1e-6, "mean k3");
        Near(0.33736613030574847, r.KlLoss, 1e-6, "k3 aggregated token-level");
        Near(0.1 * 0.33736613030574847, r.Loss.item<float>(), 1e-7, "β·KL with A = 0");
        Near(0, r.PolicyLoss, 0, "policy part with A = 0");
        // ∂k3/∂new = 1 − exp(ref − new): 1 − 2 = −1 and 1 − e⁻¹; times β / 2 tokens.
        r.Loss.backward();
        TensorAssert.Close(T(new double[,] { { 0.1 * -1 / 2, 0.1 * (1 - Math.Exp(-1)) / 2 } }), newLp.grad!, 1e-6, "∂loss/∂new");
    }

    [Fact]
    public void Compute_KlWithBetaZero_IsReportedButNotAdded()
    {
        using var scope = NewDisposeScope();
        var lp = T(new double[,] { { -1 } });
        var r = PolicyLoss.Compute(lp, lp, V(1), ones_like(lp), Dapo, refLogProbs: T(new double[,] { { -1 + Math.Log(2) } }));
        Near(0.3068528194400546, r.Kl, 1e-6, "reported kl");
        Near(-1, r.Loss.item<float>(), 1e-6, "loss = −A only");
    }

    [Fact]
    public void Compute_PolicyAndKlTogether_SumWithBeta()
    {
        using var scope = NewDisposeScope();
        // ρ = 1.1, A = 1 → policy −1.1; ref − new = −1 → k3 = e⁻¹; β = 0.5 → total −1.1 + 0.5·0.36788.
        var newLp = Leaf(new double[,] { { Math.Log(1.1) } });
        var r = PolicyLoss.Compute(newLp, zeros(1, 1), V(1), ones(1, 1), Dapo with { Beta = 0.5 }, refLogProbs: T(new double[,] { { Math.Log(1.1) - 1 } }));
        Near(-1.1 + 0.5 * Math.Exp(-1), r.Loss.item<float>(), 1e-6, "total");
        Near(-1.1, r.PolicyLoss, 1e-6, "policy part");
        r.Loss.backward();
        Assert.True(newLp.grad is not null && float.IsFinite(newLp.grad.item<float>()), "gradient must reach newLogProbs");
    }

    [Fact]
    public void Compute_LeavesOnlyTheLossAlive()
    {
        using var scope = NewDisposeScope();
        var lp = T(new double[,] { { -1, -2 }, { -0.5, -3 } });
        var old = T(new double[,] { { -1.1, -2 }, { -0.4, -3 } });
        var adv = V(1, -1);
        var mask = ones_like(lp);
        PolicyLoss.Compute(lp, old, adv, mask, Dapo with { Beta = 0.1 }, refLogProbs: lp).Loss.Dispose(); // warm-up
        var stats = TorchSharp.DisposeScopeManager.Statistics;
        long before = stats.ThreadTotalLiveCount;
        var r = PolicyLoss.Compute(lp, old, adv, mask, Dapo with { Beta = 0.1 }, refLogProbs: lp);
        Assert.True(stats.ThreadTotalLiveCount == before + 1, $"live tensors: {before} before, {stats.ThreadTotalLiveCount} after (expected only the loss)");
        r.Loss.Dispose();
        Assert.Equal(before, stats.ThreadTotalLiveCount);
    }

    [Fact]
    public void Compute_BetaWithoutReference_ThrowsNamingBeta()
    {
        using var scope = NewDisposeScope();
        var lp = zeros(1, 2);
        var e = Assert.Throws<BardException>(() => PolicyLoss.Compute(lp, lp, V(1), ones(1, 2), Dapo with { Beta = 0.01 }));
        Assert.Contains("Beta", e.Message);
    }

    [Fact]
    public void Compute_MismatchedShapes_ThrowNamingTheTensor()
    {
        using var scope = NewDisposeScope();
        var lp = zeros(2, 3);
        Assert.Contains("mask", Assert.Throws<BardException>(() => PolicyLoss.Compute(lp, lp, V(1, 1), ones(2, 2), Dapo)).Message);
        Assert.Contains("advantages", Assert.Throws<BardException>(() => PolicyLoss.Compute(lp, lp, V(1, 1, 1), ones(2, 3), Dapo)).Message);
        Assert.Contains("oldLogProbs", Assert.Throws<BardException>(() => PolicyLoss.Compute(lp, zeros(3, 2), V(1, 1), ones(2, 3), Dapo)).Message);
    }

    [Theory]
    [InlineData("EpsLow")]
    [InlineData("EpsHigh")]
    [InlineData("Beta")]
    [InlineData("ConstantLength")]
    public void Settings_Validate_NamesTheBadField(string field)
    {
        var bad = field switch
        {
            "EpsLow" => Dapo with { EpsLow = 1 },
            "EpsHigh" => Dapo with { EpsHigh = -0.1 },
            "Beta" => Dapo with { Beta = -1 },
            _ => Dapo with { Aggregation = LossAggregation.ConstantLength, ConstantLength = 0 },
        };
        var e = Assert.Throws<BardException>(bad.Validate);
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void Settings_FromRlConfig_UsesMaxCompletionTokensAsTheConstant()
    {
        var s = PolicyLossSettings.From(new RlConfig { MaxCompletionTokens = 300, EpsHigh = 0.3, Beta = 0.01 });
        Assert.Equal(new PolicyLossSettings { EpsLow = 0.2, EpsHigh = 0.3, Beta = 0.01, ConstantLength = 300 }, s);
    }
}
