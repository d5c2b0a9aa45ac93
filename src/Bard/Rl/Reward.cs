namespace Bard.Rl;

/// <summary>
/// The reward of one completion and the parts it was made from, so that step metrics can report accuracy and
/// fidelity separately. Pure .NET, no tensors; correctness comes from the verifier (the same one evaluation uses).
/// </summary>
/// <param name="Value">The scalar reward the advantages see.</param>
/// <param name="Correctness">1 when the verifier accepted the answer, else 0 (reported whatever the gate did).</param>
/// <param name="Fidelity">f(L, b) ∈ [0, 1] (reported whatever the gate did).</param>
/// <param name="Gated">True when the format gate fired (thinking not closed) and zeroed the combined reward.</param>
/// <param name="Truncated">True when the completion hit the maximum length.</param>
/// <param name="ExcludedFromLoss">True when the sample must not enter the loss nor its group's statistics (<see cref="TruncationHandling.Mask"/>).</param>
/// <param name="Penalty">Amount (≥ 0) subtracted for truncation or overlong length under <see cref="TruncationHandling.Penalize"/>.</param>
public sealed record Reward(double Value, double Correctness, double Fidelity, bool Gated, bool Truncated, bool ExcludedFromLoss, double Penalty)
{
    /// <summary>
    /// Scores one completion. <paramref name="thinkingTokens"/> is L: the tokens of the thinking block; when the block
    /// is not closed, all tokens generated after its opening to the end of the completion (a lower bound on what the
    /// thinking would have become; with the gate on the reward is 0 anyway, but fidelity and over-budget metrics still
    /// see that length). <paramref name="budget"/> is b, positive. Under <see cref="TruncationHandling.Penalize"/> with a
    /// soft <see cref="RewardConfig.OverlongBuffer"/>, call the overload that takes the completion length.
    /// </summary>
    public static Reward Of(bool correct, bool thinkingClosed, int thinkingTokens, int budget, bool truncated, RewardConfig config)
    {
        if (config.Truncation == TruncationHandling.Penalize && config.OverlongBuffer > 0)
            throw new BardException("Reward: the soft overlong buffer (OverlongBuffer > 0) needs the completion length; call the overload with completionTokens and maxCompletionTokens.");
        return Score(correct, thinkingClosed, thinkingTokens, budget, truncated, config, 0, 0);
    }

    /// <summary>
    /// As <see cref="Of(bool, bool, int, int, bool, RewardConfig)"/>, with the completion's length in tokens
    /// (thinking and answer) and the maximum completion length, which DAPO's soft overlong buffer needs.
    /// </summary>
    public static Reward Of(bool correct, bool thinkingClosed, int thinkingTokens, int budget, bool truncated, RewardConfig config,
        int completionTokens, int maxCompletionTokens)
    {
        if (maxCompletionTokens <= 0) throw new BardException($"Reward: maxCompletionTokens must be positive (got {maxCompletionTokens}).");
        if (completionTokens < 0 || completionTokens > maxCompletionTokens)
            throw new BardException($"Reward: completionTokens must be in [0, maxCompletionTokens = {maxCompletionTokens}] (got {completionTokens}).");
        return Score(correct, thinkingClosed, thinkingTokens, budget, truncated, config, completionTokens, maxCompletionTokens);
    }

    static Reward Score(bool correct, bool thinkingClosed, int thinkingTokens, int budget, bool truncated, RewardConfig config,
        int completionTokens, int maxCompletionTokens)
    {
        double f = BudgetFidelity.Of(thinkingTokens, budget, config);
        double c = correct ? 1 : 0;
        bool gated = config.FormatGate && !thinkingClosed;
        double combined = gated ? 0 : config.Combination switch
        {
            RewardCombination.Multiplicative => c * f,
            RewardCombination.Additive => c + config.Lambda * f,
            _ => throw new BardException($"Reward: unknown combination {config.Combination}."),
        };

        double penalty = 0;
        bool excluded = false;
        switch (config.Truncation)
        {
            case TruncationHandling.Mask:
                excluded = truncated;
                break;
            case TruncationHandling.Zero:
                if (truncated) combined = 0;
                break;
            case TruncationHandling.Penalize:
                if (truncated) penalty = config.TruncationPenalty;
                else if (config.OverlongBuffer > 0 && completionTokens > maxCompletionTokens - config.OverlongBuffer)
                    // DAPO soft overlong punishment: linear from 0 at (max − buffer) to the full penalty at max.
                    penalty = config.TruncationPenalty * (completionTokens - (maxCompletionTokens - config.OverlongBuffer)) / config.OverlongBuffer;
                break;
            default:
                throw new BardException($"Reward: unknown truncation handling {config.Truncation}.");
        }
        return new Reward(combined - penalty, c, f, gated, truncated, excluded, penalty);
    }
}
