using System.Text.Json.Serialization;

namespace Bard.Rl;

/// <summary>How correctness and budget fidelity combine into one reward.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RewardCombination>))]
public enum RewardCombination
{
    /// <summary>
    /// r = correct × f (default, our choice after BARD). A wrong answer earns nothing however well it keeps the
    /// budget, so the policy cannot buy reward with short wrong answers. Range [0, 1].
    /// </summary>
    Multiplicative,
    /// <summary>
    /// r = correct + λ·f (ablation). A wrong answer at perfect length still earns λ, which BARD's ablation reports
    /// teaches short wrong answers. Range [0, 1 + λ].
    /// </summary>
    Additive,
}
