namespace Bard.Rl;

/// <summary>
/// The rollout half of an RL step's metrics, from a batch of scored samples; pure .NET. Every sample counts, masked
/// truncations included (they describe what the policy produced); only <see cref="ZeroStdGroupShare"/> leaves the
/// samples excluded from the loss out, as the advantages do. <c>clip_fraction</c> and <c>kl</c> come from
/// <see cref="PolicyLossResult"/>.
/// </summary>
/// <param name="Samples">Samples in the batch.</param>
/// <param name="RewardMean"><c>reward_mean</c>.</param>
/// <param name="RewardStd"><c>reward_std</c>: population std of the rewards over the batch (not the mean of group stds).</param>
/// <param name="Accuracy"><c>accuracy</c>: mean correctness.</param>
/// <param name="FidelityMean"><c>fidelity_mean</c>: mean f(L, b).</param>
/// <param name="LengthRatioMean"><c>length_ratio_mean</c>: mean L/b.</param>
/// <param name="OverBudgetRate"><c>over_budget_rate</c>: share with L &gt; b.</param>
/// <param name="ZeroStdGroupShare"><c>zero_std_group_share</c>: share of groups whose rewards have zero std.</param>
/// <param name="ClippedRatio"><c>clipped_ratio</c>: share of truncated completions.</param>
public sealed record RlStepMetrics(int Samples, double RewardMean, double RewardStd, double Accuracy, double FidelityMean,
    double LengthRatioMean, double OverBudgetRate, double ZeroStdGroupShare, double ClippedRatio)
{
    /// <summary>The metrics of one rollout batch; throws on an empty batch or a non-positive budget.</summary>
    public static RlStepMetrics Of(IReadOnlyList<ScoredSample> samples)
    {
        if (samples.Count == 0) throw new BardException("RL step metrics: the batch is empty; score at least one sample.");
        foreach (var s in samples)
            if (s.Budget <= 0) throw new BardException($"RL step metrics: budget must be positive (got {s.Budget} in group {s.GroupId}).");

        int n = samples.Count;
        double mean = samples.Average(s => s.Reward.Value);
        double variance = samples.Sum(s => (s.Reward.Value - mean) * (s.Reward.Value - mean)) / n;
        var groups = GroupAdvantages.ForSamples(samples, AdvantageMode.DrGrpo);
        return new RlStepMetrics(
            Samples: n,
            RewardMean: mean,
            RewardStd: Math.Sqrt(variance),
            Accuracy: samples.Average(s => s.Reward.Correctness),
            FidelityMean: samples.Average(s => s.Reward.Fidelity),
            LengthRatioMean: samples.Average(s => (double)s.ThinkingTokens / s.Budget),
            OverBudgetRate: samples.Count(s => s.ThinkingTokens > s.Budget) / (double)n,
            ZeroStdGroupShare: groups.ZeroStdGroupShare,
            ClippedRatio: samples.Count(s => s.Reward.Truncated) / (double)n);
    }

    /// <summary>The metrics by their logged names (snake_case), for the metrics writer.</summary>
    public IReadOnlyDictionary<string, double> ToDictionary() => new Dictionary<string, double>
    {
        ["reward_mean"] = RewardMean,
        ["reward_std"] = RewardStd,
        ["accuracy"] = Accuracy,
        ["fidelity_mean"] = FidelityMean,
        ["length_ratio_mean"] = LengthRatioMean,
        ["over_budget_rate"] = OverBudgetRate,
        ["zero_std_group_share"] = ZeroStdGroupShare,
        ["clipped_ratio"] = ClippedRatio,
    };
}
