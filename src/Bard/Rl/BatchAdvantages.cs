namespace Bard.Rl;

/// <summary>Per-sample advantages of a batch of groups, with the zero-std bookkeeping DAPO-style filtering and metrics need.</summary>
/// <param name="Advantages">One advantage per sample, in the batch's order (0 for excluded samples and zero-std groups).</param>
/// <param name="Excluded">Per sample: left out of its group's statistics and of the loss (masked truncation).</param>
/// <param name="InZeroStdGroup">Per sample: its group's rewards (excluded samples left out) had zero std, so it carries no gradient.</param>
/// <param name="Groups">Number of distinct groups.</param>
/// <param name="ZeroStdGroups">Groups whose rewards had zero std.</param>
public sealed record BatchAdvantages(double[] Advantages, bool[] Excluded, bool[] InZeroStdGroup, int Groups, int ZeroStdGroups)
{
    /// <summary><c>zero_std_group_share</c>: zero-std groups over all groups (0 for an empty batch).</summary>
    public double ZeroStdGroupShare => Groups == 0 ? 0 : (double)ZeroStdGroups / Groups;

    /// <summary>
    /// Per sample: whether its completion tokens belong in the loss mask. Excluded samples never do; with
    /// <paramref name="dropZeroStdGroups"/> (<see cref="RlConfig.DropZeroStdGroups"/>) neither do the samples of zero-std groups.
    /// </summary>
    public bool[] InLoss(bool dropZeroStdGroups) =>
        Excluded.Select((excluded, i) => !excluded && !(dropZeroStdGroups && InZeroStdGroup[i])).ToArray();
}
