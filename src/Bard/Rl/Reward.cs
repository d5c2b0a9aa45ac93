using Bard.Eval;

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
    /// Scores one completion from its <paramref name="judgement"/> (correct? thinking closed? L, the tokens of the thinking
    /// block; when the block is not closed, all tokens generated after its opening: a lower bound on what the thinking would
    /// have become — with the gate on the reward is 0 anyway, but fidelity and over-budget metrics still see that length) at
    /// budget <paramref name="budget"/> (b, positive). For a completion known not to be truncated (a reward server's
    /// response); under <see cref="TruncationHandling.Penalize"/> with a soft <see cref="RewardConfig.OverlongBuffer"/>, call the
    /// overload that takes the <see cref="CompletionLength"/>.
    /// </summary>
    public static Reward Of(Judgement judgement, int budget, RewardConfig config)
    {
        if (config.Truncation == TruncationHandling.Penalize && config.OverlongBuffer > 0)
            throw new BardException("Reward: the soft overlong buffer (OverlongBuffer > 0) needs the completion length; call the overload that takes a CompletionLength.");
        return Score(judgement, budget, config, new CompletionLength(0, 0, Truncated: false));
    }

    /// <summary>
    /// As <see cref="Of(Judgement, int, RewardConfig)"/>, with the completion's <paramref name="length"/> (its tokens, thinking and
    /// answer, the maximum, and whether it was cut there), which truncation handling and DAPO's soft overlong buffer need.
    /// </summary>
    public static Reward Of(Judgement judgement, int budget, CompletionLength length, RewardConfig config)
    {
        if (length.MaxTokens <= 0) throw new BardException($"Reward: the maximum completion length must be positive (got {length.MaxTokens}).");
        if (length.Tokens < 0 || length.Tokens > length.MaxTokens)
            throw new BardException($"Reward: the completion's length must be in [0, {length.MaxTokens}] (got {length.Tokens}).");
        return Score(judgement, budget, config, length);
    }

    static Reward Score(Judgement judgement, int budget, RewardConfig config, CompletionLength length)
    {
        double f = BudgetFidelity.Of(judgement.ThinkingTokens, budget, config);
        double c = judgement.Correct ? 1 : 0;
        bool gated = config.FormatGate && !judgement.ThinkingClosed;
        bool truncated = length.Truncated;
        int completionTokens = length.Tokens, maxCompletionTokens = length.MaxTokens;
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

/// <summary>How long one completion came out, as the reward's truncation handling sees it.</summary>
/// <param name="Tokens">Tokens generated (thinking and answer).</param>
/// <param name="MaxTokens">The maximum completion length (positive).</param>
/// <param name="Truncated">The completion was cut at <paramref name="MaxTokens"/> (it did not stop by itself).</param>
public readonly record struct CompletionLength(int Tokens, int MaxTokens, bool Truncated);
