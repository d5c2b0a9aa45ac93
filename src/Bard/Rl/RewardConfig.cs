namespace Bard.Rl;

/// <summary>
/// Reward of one completion in BARD's RL phase: correctness (from the verifier) combined with budget fidelity
/// (how close the thinking length L is to the budget b), behind a format gate. Immutable; <see cref="Validate"/>
/// names the bad field. The defaults (multiplicative, two-sided linear with τ = 0.5, gate on, truncated samples
/// masked) are our choice: BARD publishes only "correctness × fidelity", not the shape of the fidelity.
/// </summary>
public sealed record RewardConfig
{
    /// <summary>Shape of the budget fidelity f(L, b). Default <see cref="FidelityShape.Linear"/>.</summary>
    public FidelityShape Fidelity { get; init; } = FidelityShape.Linear;
    /// <summary>τ: the relative distance from the budget at which the linear shapes reach 0 (Linear: both sides; OneSidedMax: above only). Default 0.5 (f = 0 at L = 0.5·b and 1.5·b).</summary>
    public double Tolerance { get; init; } = 0.5;
    /// <summary>σ of the Gaussian shape, as a fraction of the budget: f = exp(−½((L − b)/(σ·b))²). Default 0.25 (f ≈ 0.61 at 25% off, 0.14 at 50% off).</summary>
    public double Sigma { get; init; } = 0.25;
    /// <summary>How correctness and fidelity combine. Default <see cref="RewardCombination.Multiplicative"/>.</summary>
    public RewardCombination Combination { get; init; } = RewardCombination.Multiplicative;
    /// <summary>λ, the weight of fidelity under <see cref="RewardCombination.Additive"/> (r = correct + λ·f). Unused otherwise. Default 1.0.</summary>
    public double Lambda { get; init; } = 1.0;
    /// <summary>When on, a completion without a closed thinking block earns 0 (before any truncation penalty). Default true.</summary>
    public bool FormatGate { get; init; } = true;
    /// <summary>What happens to truncated completions. Default <see cref="TruncationHandling.Mask"/>.</summary>
    public TruncationHandling Truncation { get; init; } = TruncationHandling.Mask;
    /// <summary>Under <see cref="TruncationHandling.Penalize"/>: the amount subtracted from a truncated completion's reward (DAPO uses 1). Default 1.0.</summary>
    public double TruncationPenalty { get; init; } = 1.0;
    /// <summary>
    /// Under <see cref="TruncationHandling.Penalize"/>: DAPO's soft overlong buffer, in tokens. A completion of n
    /// tokens with max − buffer &lt; n ≤ max loses penalty × (n − (max − buffer)) / buffer; a truncated one loses the full
    /// penalty. 0 turns the buffer off (only truncated completions are penalised). Default 0.
    /// </summary>
    public int OverlongBuffer { get; init; }

    /// <summary>Throws <see cref="BardException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        static void Require(bool ok, string field, string rule) { if (!ok) throw new BardException($"Reward config: {field} {rule}."); }
        Require(Enum.IsDefined(Fidelity), nameof(Fidelity), "must be Linear, Gaussian or OneSidedMax");
        Require(Enum.IsDefined(Combination), nameof(Combination), "must be Multiplicative or Additive");
        Require(Enum.IsDefined(Truncation), nameof(Truncation), "must be Mask, Penalize or Zero");
        Require(Tolerance > 0 && double.IsFinite(Tolerance), nameof(Tolerance), $"must be a positive number (got {Tolerance}); 0.5 means f = 0 at 50% off the budget");
        Require(Sigma > 0 && double.IsFinite(Sigma), nameof(Sigma), $"must be a positive number (got {Sigma}); 0.25 is the default");
        Require(Lambda >= 0 && double.IsFinite(Lambda), nameof(Lambda), $"must be ≥ 0 (got {Lambda})");
        Require(TruncationPenalty >= 0 && double.IsFinite(TruncationPenalty), nameof(TruncationPenalty), $"must be ≥ 0 (got {TruncationPenalty})");
        Require(OverlongBuffer >= 0, nameof(OverlongBuffer), $"must be ≥ 0 tokens (got {OverlongBuffer}); 0 turns the soft buffer off");
    }
}
