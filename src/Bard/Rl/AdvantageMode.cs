using System.Text.Json.Serialization;

namespace Bard.Rl;

/// <summary>How a group's rewards become advantages (see <see cref="GroupAdvantages"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AdvantageMode>))]
public enum AdvantageMode
{
    /// <summary>GRPO: A = (r − mean) / (std + ε), std the sample standard deviation (n − 1), as TRL's GRPOTrainer (torch.std's default) does.</summary>
    Grpo,
    /// <summary>Dr. GRPO: A = r − mean, no division by std (removes the bias towards groups of low variance, i.e. too easy or too hard questions).</summary>
    DrGrpo,
}
