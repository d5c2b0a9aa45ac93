using Bard.Rl;

namespace Bard.Serving;

/// <summary>The BARD reward of one response as the reward server computed it, with what it was computed from.</summary>
/// <param name="Reward">The reward and its parts (<see cref="Reward.Value"/> is what the trainer gets).</param>
/// <param name="Budget">The budget b read from the prompt.</param>
/// <param name="ThinkingTokens">The thinking length L in the student's tokens.</param>
/// <param name="Response">The response text that was scored (the query minus the prompt, trailing end tokens removed).</param>
public sealed record RemoteReward(Reward Reward, int Budget, int ThinkingTokens, string Response);
