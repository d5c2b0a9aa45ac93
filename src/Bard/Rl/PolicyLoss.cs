using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Rl;

/// <summary>
/// The PPO-clipped policy-gradient loss of the GRPO family, with an optional k3 KL to a frozen reference. Works on
/// per-token log-probabilities of the sampled tokens only; knows nothing about models, sampling or rewards.
/// </summary>
public static class PolicyLoss
{
    /// <summary>
    /// Per counted token: ρ = exp(new − old), loss_t = −min(ρ·A, clip(ρ, 1 − ε_low, 1 + ε_high)·A) + β·k3, with
    /// k3 = exp(ref − new) − (ref − new) − 1 ≥ 0 (Schulman's estimator of KL(new‖ref)); then reduced by
    /// <see cref="PolicyLossSettings.Aggregation"/>. Positions with mask 0 never touch the result (their log-probs
    /// may be anything, even −∞). An all-zero mask gives loss 0.
    /// </summary>
    /// <param name="newLogProbs">[B, T] log π_θ of the sampled tokens; the gradient flows here.</param>
    /// <param name="oldLogProbs">[B, T] log π_old of the same tokens (the sampling policy; detached).</param>
    /// <param name="advantages">[B] one advantage per sequence, broadcast over its tokens.</param>
    /// <param name="mask">[B, T] 1 where the token counts (completion tokens of included samples), 0 elsewhere.</param>
    /// <param name="settings">Clip range, aggregation, β.</param>
    /// <param name="refLogProbs">[B, T] log π_ref, required when β &gt; 0; when given with β = 0 the KL is only reported.</param>
    public static PolicyLossResult Compute(Tensor newLogProbs, Tensor oldLogProbs, Tensor advantages, Tensor mask,
        PolicyLossSettings settings, Tensor? refLogProbs = null)
    {
        settings.Validate();
        CheckShapes(newLogProbs, oldLogProbs, advantages, mask, refLogProbs);
        if (settings.Beta > 0 && refLogProbs is null)
            throw new BardException($"Policy loss: Beta = {settings.Beta} needs reference log-probs; pass refLogProbs or set Beta to 0.");

        using var scope = NewDisposeScope();
        var dtype = newLogProbs.dtype;
        var counted = mask.to_type(ScalarType.Bool);                            // [B, T]
        var m = counted.to_type(dtype);                                         // [B, T]
        var zero = zeros_like(newLogProbs);
        // Zero the uncounted positions first, so that −∞ or NaN there cannot leak into values or gradients.
        var logNew = where(counted, newLogProbs, zero);
        var logOld = where(counted, oldLogProbs.detach().to_type(dtype), zero);
        var adv = advantages.detach().to_type(dtype).unsqueeze(1);             // [B, 1]

        var ratio = (logNew - logOld).exp();                                     // [B, T]
        var unclipped = ratio * adv;
        var clipped = ratio.clamp(1 - settings.EpsLow, 1 + settings.EpsHigh) * adv;
        var perTokenPolicy = -minimum(unclipped, clipped);                       // [B, T]

        Tensor perTokenKl = zero;
        if (refLogProbs is not null)
        {
            var logR = where(counted, refLogProbs.detach().to_type(dtype), zero) - logNew; // log(π_ref / π_θ)
            perTokenKl = logR.exp() - logR - 1;
        }

        var policyLoss = Aggregate(perTokenPolicy, m, settings);
        var klLoss = Aggregate(perTokenKl, m, settings);
        var loss = settings.Beta > 0 ? policyLoss + settings.Beta * klLoss : policyLoss;

        double tokens, clipFraction, meanRatio, meanKl;
        using (no_grad())
        {
            tokens = ToDouble(m.sum());
            double denom = Math.Max(tokens, 1);
            // The clipped term wins the min only when it is strictly smaller: A > 0 above the upper bound, A < 0 below the lower one.
            var active = (ratio.gt(1 + settings.EpsHigh) & adv.gt(0)) | (ratio.lt(1 - settings.EpsLow) & adv.lt(0));
            clipFraction = ToDouble((active & counted).sum()) / denom;
            meanRatio = ToDouble((ratio * m).sum()) / denom;
            meanKl = ToDouble((perTokenKl * m).sum()) / denom;
        }
        return new PolicyLossResult(loss.MoveToOuterDisposeScope(), ToDouble(policyLoss.detach()), ToDouble(klLoss.detach()),
            meanKl, clipFraction, meanRatio, (long)tokens);
    }

    static Tensor Aggregate(Tensor perToken, Tensor m, PolicyLossSettings settings)
    {
        var masked = perToken * m;                                               // [B, T]
        switch (settings.Aggregation)
        {
            case LossAggregation.TokenLevel:
                return masked.sum() / m.sum().clamp_min(1);
            case LossAggregation.SequenceMean:
                var lengths = m.sum(1);                                          // [B]
                var perSequence = masked.sum(1) / lengths.clamp_min(1);          // [B]
                var sequences = lengths.gt(0).to_type(m.dtype).sum().clamp_min(1); // sequences with any counted token
                return perSequence.sum() / sequences;
            case LossAggregation.ConstantLength:
                return masked.sum() / ((double)perToken.shape[0] * settings.ConstantLength);
            default:
                throw new BardException($"Policy loss: unknown aggregation {settings.Aggregation}.");
        }
    }

    static void CheckShapes(Tensor newLogProbs, Tensor oldLogProbs, Tensor advantages, Tensor mask, Tensor? refLogProbs)
    {
        static string S(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
        if (newLogProbs.ndim != 2) throw new BardException($"Policy loss: newLogProbs must be [B, T] (got {S(newLogProbs)}).");
        long b = newLogProbs.shape[0];
        if (!oldLogProbs.shape.SequenceEqual(newLogProbs.shape)) throw new BardException($"Policy loss: oldLogProbs {S(oldLogProbs)} must match newLogProbs {S(newLogProbs)}.");
        if (!mask.shape.SequenceEqual(newLogProbs.shape)) throw new BardException($"Policy loss: mask {S(mask)} must match newLogProbs {S(newLogProbs)}.");
        if (refLogProbs is not null && !refLogProbs.shape.SequenceEqual(newLogProbs.shape)) throw new BardException($"Policy loss: refLogProbs {S(refLogProbs)} must match newLogProbs {S(newLogProbs)}.");
        if (advantages.ndim != 1 || advantages.shape[0] != b) throw new BardException($"Policy loss: advantages must be [B] = [{b}] (got {S(advantages)}).");
    }

    static double ToDouble(Tensor scalar) => scalar.to_type(ScalarType.Float64).item<double>();
}
