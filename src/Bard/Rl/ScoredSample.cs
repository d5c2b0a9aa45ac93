namespace Bard.Rl;

/// <summary>One scored rollout as the step metrics see it: which group it belongs to, its budget and thinking length, and its reward.</summary>
/// <param name="GroupId">The group (one question at one budget) the sample was drawn for.</param>
/// <param name="Budget">b, tokens (positive).</param>
/// <param name="ThinkingTokens">L, tokens (see <see cref="Reward.Of(Eval.Judgement, int, RewardConfig)"/> for unclosed thinking).</param>
/// <param name="Reward">The sample's reward and its parts.</param>
public sealed record ScoredSample(int GroupId, int Budget, int ThinkingTokens, Reward Reward);
