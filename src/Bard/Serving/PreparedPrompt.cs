namespace Bard.Serving;

/// <summary>A request turned into what the model sees: the prompt's token ids and the per-row limits.</summary>
/// <param name="Ids">Token ids of the rendered prompt (budget line included).</param>
/// <param name="MaxTokens">Most new tokens per choice.</param>
/// <param name="Start">What the generation prompt already wrote of the thinking block.</param>
public sealed record PreparedPrompt(IReadOnlyList<int> Ids, int MaxTokens, ReasoningStart Start);
