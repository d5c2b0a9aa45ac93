namespace Bard.Serving;

/// <summary>One generated choice of a chat completion, its thinking held apart from its answer.</summary>
/// <param name="Index">Position among the request's n choices.</param>
/// <param name="ReasoningContent">The thinking (text inside &lt;think&gt;…&lt;/think&gt;); "" when there was none.</param>
/// <param name="Content">The answer.</param>
/// <param name="FinishReason">"stop" (a stop token or string) or "length" (max_tokens, or the answer allowance under budget forcing).</param>
/// <param name="CompletionTokens">Tokens this choice generated.</param>
/// <param name="ReasoningTokens">Of those, thinking tokens.</param>
/// <param name="ThinkingClosed">Whether the thinking block was closed (or there was none).</param>
/// <param name="BudgetForced">Whether the server closed the thinking (budget forcing at the budget, or thinking switched off) rather than the model.</param>
public sealed record ChatChoice(int Index, string ReasoningContent, string Content, string FinishReason, int CompletionTokens, int ReasoningTokens, bool ThinkingClosed, bool BudgetForced = false);
