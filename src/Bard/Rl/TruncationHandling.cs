using System.Text.Json.Serialization;

namespace Bard.Rl;

/// <summary>
/// What happens to a completion that hit the maximum completion length (truncated) before it finished.
/// Left alone, such samples silently score 0 and teach "shorter is better" for the wrong reason (DAPO).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<TruncationHandling>))]
public enum TruncationHandling
{
    /// <summary>
    /// Default. The sample's reward is still computed (metrics report it), but the sample is excluded from the loss
    /// and from its group's mean and std (<see cref="Reward.ExcludedFromLoss"/>): as if it had not been drawn.
    /// DAPO's "overlong filtering".
    /// </summary>
    Mask,
    /// <summary>
    /// The sample stays in the loss and <see cref="RewardConfig.TruncationPenalty"/> is subtracted from its reward.
    /// With <see cref="RewardConfig.OverlongBuffer"/> &gt; 0, completions inside the last buffer tokens before the
    /// maximum are also penalised, linearly from 0 to the full penalty (DAPO's soft overlong punishment).
    /// </summary>
    Penalize,
    /// <summary>The sample stays in the loss with reward 0 whatever it contains (the naive baseline).</summary>
    Zero,
}
