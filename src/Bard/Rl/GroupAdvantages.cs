namespace Bard.Rl;

/// <summary>
/// Group-relative advantages: each sample's reward compared with the other samples of its group. A group is one
/// question at one budget (the budget is in the prompt, so samples under different budgets are not comparable).
/// Pure .NET, no tensors.
/// </summary>
public static class GroupAdvantages
{
    /// <summary>
    /// Rewards whose spread (max − min) is at most this count as equal: the group has zero std, carries no gradient
    /// and gets all-zero advantages.
    /// </summary>
    public const double ZeroStdTolerance = 1e-12;

    /// <summary>
    /// Advantages of one group. <see cref="AdvantageMode.Grpo"/>: (r − mean) / (std + ε) with the sample std
    /// (divisor n − 1, like torch.std and TRL; ε = 1e-4 in TRL). <see cref="AdvantageMode.DrGrpo"/>: r − mean.
    /// A group of equal rewards, or of one sample, gives all zeros.
    /// </summary>
    public static double[] Of(IReadOnlyList<double> rewards, AdvantageMode mode, double epsilon = 1e-4)
    {
        if (epsilon < 0 || !double.IsFinite(epsilon)) throw new BardException($"Group advantages: epsilon must be ≥ 0 (got {epsilon}).");
        int n = rewards.Count;
        var advantages = new double[n];
        if (n == 0 || IsZeroStd(rewards)) return advantages;
        foreach (double r in rewards)
            if (!double.IsFinite(r)) throw new BardException($"Group advantages: reward {r} is not a finite number.");

        double mean = rewards.Average();
        double scale = 1;
        if (mode == AdvantageMode.Grpo)
        {
            double ss = 0;
            foreach (double r in rewards) ss += (r - mean) * (r - mean);
            scale = 1 / (Math.Sqrt(ss / (n - 1)) + epsilon); // n ≥ 2 here: a lone sample is zero-std
        }
        else if (mode != AdvantageMode.DrGrpo) throw new BardException($"Group advantages: unknown mode {mode}.");
        for (int i = 0; i < n; i++) advantages[i] = (rewards[i] - mean) * scale;
        return advantages;
    }

    /// <summary>True when the rewards are all equal (within <see cref="ZeroStdTolerance"/>) or there are fewer than two.</summary>
    public static bool IsZeroStd(IReadOnlyList<double> rewards)
    {
        if (rewards.Count < 2) return true;
        return rewards.Max() - rewards.Min() <= ZeroStdTolerance;
    }

    /// <summary>
    /// Advantages of a flat batch: sample i belongs to group <paramref name="groupIds"/>[i]. Samples with
    /// <paramref name="excluded"/>[i] true (masked truncations) get advantage 0 and take no part in their group's mean
    /// and std; a group left with fewer than two samples counts as zero-std. Returns per-sample advantages and the share
    /// of groups with zero std.
    /// </summary>
    public static BatchAdvantages ForBatch(IReadOnlyList<double> rewards, IReadOnlyList<int> groupIds, AdvantageMode mode,
        IReadOnlyList<bool>? excluded = null, double epsilon = 1e-4)
    {
        if (groupIds.Count != rewards.Count)
            throw new BardException($"Group advantages: {rewards.Count} rewards but {groupIds.Count} group ids; give one group id per sample.");
        if (excluded is not null && excluded.Count != rewards.Count)
            throw new BardException($"Group advantages: {rewards.Count} rewards but {excluded.Count} exclusion flags; give one per sample.");

        var advantages = new double[rewards.Count];
        var inZeroStd = new bool[rewards.Count];
        int groups = 0, zeroStd = 0;
        // Groups in order of first appearance, so that the result does not depend on hashing.
        var members = new Dictionary<int, List<int>>();
        var order = new List<int>();
        for (int i = 0; i < rewards.Count; i++)
        {
            if (!members.TryGetValue(groupIds[i], out var list)) { members[groupIds[i]] = list = []; order.Add(groupIds[i]); }
            list.Add(i);
        }
        foreach (int id in order)
        {
            var kept = members[id].Where(i => excluded is null || !excluded[i]).ToList();
            var groupRewards = kept.Select(i => rewards[i]).ToList();
            groups++;
            bool zero = IsZeroStd(groupRewards);
            if (zero) zeroStd++;
            foreach (int i in members[id]) inZeroStd[i] = zero;
            var a = Of(groupRewards, mode, epsilon);
            for (int k = 0; k < kept.Count; k++) advantages[kept[k]] = a[k];
        }
        var excludedCopy = excluded is null ? new bool[rewards.Count] : excluded.ToArray();
        return new BatchAdvantages(advantages, excludedCopy, inZeroStd, groups, zeroStd);
    }

    /// <summary>
    /// <see cref="ForBatch"/> on scored samples: rewards from <see cref="Reward.Value"/>, groups from
    /// <see cref="ScoredSample.GroupId"/>, exclusions from <see cref="Reward.ExcludedFromLoss"/>.
    /// </summary>
    public static BatchAdvantages ForSamples(IReadOnlyList<ScoredSample> samples, AdvantageMode mode, double epsilon = 1e-4) =>
        ForBatch(samples.Select(s => s.Reward.Value).ToList(), samples.Select(s => s.GroupId).ToList(), mode,
            samples.Select(s => s.Reward.ExcludedFromLoss).ToList(), epsilon);
}
