using static TorchSharp.torch;

namespace Bard.Rl;

/// <summary>The output of <see cref="PolicyLoss.Compute"/>: the loss to back-propagate and the statistics to log.</summary>
/// <param name="Loss">Scalar: policy loss + β·KL, differentiable w.r.t. the new log-probs. Lives in the caller's dispose scope.</param>
/// <param name="PolicyLoss">The clipped surrogate part alone, aggregated as configured.</param>
/// <param name="KlLoss">The k3 KL aggregated as configured, before β (0 without reference log-probs).</param>
/// <param name="Kl">Mean k3 KL per counted token (<c>kl</c>; 0 without reference log-probs).</param>
/// <param name="ClipFraction">Share of counted tokens where the clipped term won the min (<c>clip_fraction</c>).</param>
/// <param name="MeanRatio">Mean of ρ = exp(new − old) over counted tokens (1 on the first inner step).</param>
/// <param name="CountedTokens">Tokens with mask 1.</param>
public sealed record PolicyLossResult(Tensor Loss, double PolicyLoss, double KlLoss, double Kl, double ClipFraction, double MeanRatio, long CountedTokens);
