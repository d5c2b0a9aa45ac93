namespace Bard.Rl;

/// <summary>The knobs of <see cref="PolicyLoss.Compute"/>; <see cref="From"/> takes them from an <see cref="RlConfig"/>.</summary>
public sealed record PolicyLossSettings
{
    /// <summary>ε_low: the ratio is clipped below at 1 − ε_low (acts when A &lt; 0). Default 0.2 (DAPO).</summary>
    public double EpsLow { get; init; } = 0.2;
    /// <summary>ε_high: the ratio is clipped above at 1 + ε_high (acts when A &gt; 0). Default 0.28 (DAPO's clip-higher).</summary>
    public double EpsHigh { get; init; } = 0.28;
    /// <summary>Reduction of per-token losses. Default <see cref="LossAggregation.TokenLevel"/>.</summary>
    public LossAggregation Aggregation { get; init; } = LossAggregation.TokenLevel;
    /// <summary>β, the weight of the k3 KL to the reference policy. 0 (default) adds no KL and needs no reference log-probs.</summary>
    public double Beta { get; init; }
    /// <summary>The constant per-sequence length of <see cref="LossAggregation.ConstantLength"/> (the maximum completion length, in tokens). Unused by the other aggregations. Default 0 (must be set when used).</summary>
    public int ConstantLength { get; init; }

    /// <summary>The settings an RL config implies (its maximum completion length as the Dr. GRPO constant).</summary>
    public static PolicyLossSettings From(RlConfig config) => new()
    {
        EpsLow = config.EpsLow,
        EpsHigh = config.EpsHigh,
        Aggregation = config.Aggregation,
        Beta = config.Beta,
        ConstantLength = config.MaxCompletionTokens,
    };

    /// <summary>Throws <see cref="BardException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        static void Require(bool ok, string field, string rule) { if (!ok) throw new BardException($"Policy loss: {field} {rule}."); }
        Require(EpsLow is >= 0 and < 1, nameof(EpsLow), $"must be in [0, 1) (got {EpsLow}); DAPO uses 0.2");
        Require(EpsHigh >= 0 && double.IsFinite(EpsHigh), nameof(EpsHigh), $"must be ≥ 0 (got {EpsHigh}); DAPO uses 0.28");
        Require(Enum.IsDefined(Aggregation), nameof(Aggregation), "must be TokenLevel, SequenceMean or ConstantLength");
        Require(Beta >= 0 && double.IsFinite(Beta), nameof(Beta), $"must be ≥ 0 (got {Beta}); 0 turns the KL off");
        Require(Aggregation != LossAggregation.ConstantLength || ConstantLength > 0, nameof(ConstantLength),
            $"must be positive with ConstantLength aggregation (got {ConstantLength}); set it to the maximum completion length");
    }
}
