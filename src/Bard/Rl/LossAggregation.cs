using System.Text.Json.Serialization;

namespace Bard.Rl;

/// <summary>How per-token losses of a batch are reduced to one number (see <see cref="PolicyLoss"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LossAggregation>))]
public enum LossAggregation
{
    /// <summary>DAPO (default): sum over every counted token of the batch / number of counted tokens. Every token weighs the same, whatever its sequence's length.</summary>
    TokenLevel,
    /// <summary>Original GRPO: mean over the counted tokens of each sequence, then mean over the sequences that have any. Tokens of long sequences weigh less (length bias).</summary>
    SequenceMean,
    /// <summary>Dr. GRPO: sum over every counted token / (B × a constant length, normally the maximum completion length). No dependence on the lengths actually drawn.</summary>
    ConstantLength,
}
