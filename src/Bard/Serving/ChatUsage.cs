namespace Bard.Serving;

/// <summary>Token counts of one chat completion, as OpenAI's <c>usage</c> reports them (reasoning tokens are part of the completion tokens).</summary>
/// <param name="PromptTokens">Tokens of the rendered prompt (counted once, whatever n).</param>
/// <param name="CompletionTokens">Tokens generated over all choices, stop tokens included.</param>
/// <param name="ReasoningTokens">Of those, the tokens inside thinking blocks (<c>completion_tokens_details.reasoning_tokens</c>).</param>
public sealed record ChatUsage(int PromptTokens, int CompletionTokens, int ReasoningTokens)
{
    /// <summary>Prompt plus completion tokens.</summary>
    public int TotalTokens => PromptTokens + CompletionTokens;

    /// <summary>Zero usage.</summary>
    public static ChatUsage Zero { get; } = new(0, 0, 0);

    /// <summary>Adds two usages (for run totals).</summary>
    public static ChatUsage operator +(ChatUsage a, ChatUsage b) =>
        new(a.PromptTokens + b.PromptTokens, a.CompletionTokens + b.CompletionTokens, a.ReasoningTokens + b.ReasoningTokens);
}
