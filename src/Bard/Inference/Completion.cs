namespace Bard.Inference;

/// <summary>The new tokens of one prompt (the stop token included when there was one) and why it ended.</summary>
public sealed record Completion(int[] Tokens, FinishReason Finish);
