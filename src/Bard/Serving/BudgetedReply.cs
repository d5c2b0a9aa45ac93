namespace Bard.Serving;

/// <summary>One choice of a budgeted request, with its thinking length.</summary>
/// <param name="Choice">The choice (reasoning, content, finish reason).</param>
/// <param name="Budget">The budget b asked for.</param>
/// <param name="ThinkingTokens">L: the reasoning's length in the student's tokenizer, or, without one, the server's <c>reasoning_tokens</c> (exact for a single choice only; -1 for n &gt; 1).</param>
/// <param name="Usage">The request's usage (shared by its choices).</param>
public sealed record BudgetedReply(EndpointChoice Choice, int Budget, int ThinkingTokens, ChatUsage Usage);
