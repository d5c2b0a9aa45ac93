using Bard.Text;

namespace Bard.Serving;

/// <summary>
/// Asks a served model a question at a thinking budget, the one way Bard states budgets (<see cref="BudgetPromptFormat"/>),
/// and measures the thinking in the student's tokens: what <c>bard eval --endpoint</c> needs per (problem, budget).
/// Knows nothing about grading.
/// </summary>
/// <param name="endpoint">The endpoint (its concurrency and retries apply).</param>
/// <param name="student">Tokenizer that thinking lengths are counted in; null trusts the server's <c>reasoning_tokens</c>.</param>
/// <param name="format">The budget prompt; default <see cref="BudgetPromptFormat.Default"/> (must be the server's for <see cref="BudgetDelivery.Field"/>).</param>
public sealed class BudgetedEndpoint(ChatEndpoint endpoint, ITokenizer? student = null, BudgetPromptFormat? format = null)
{
    readonly BudgetPromptFormat format = (format ?? BudgetPromptFormat.Default).Validate();

    /// <summary>Sends <paramref name="messages"/> (the last user turn without a budget line) at <paramref name="budget"/> tokens; one reply per choice.</summary>
    public async Task<IReadOnlyList<BudgetedReply>> AskAsync(IReadOnlyList<ChatMessage> messages, int budget, BudgetDelivery delivery,
        ChatRequestSettings? settings = null, CancellationToken cancel = default)
    {
        if (budget < 0) throw new BardException($"a thinking budget must be ≥ 0 tokens, got {budget}.");
        settings ??= new ChatRequestSettings();
        var (sent, s) = delivery switch
        {
            BudgetDelivery.Prompt => (format.WithBudget(messages, budget), settings with { ThinkingBudget = null, Enforcement = null }),
            BudgetDelivery.Field => (messages, settings with { ThinkingBudget = budget, Enforcement = null }),
            BudgetDelivery.FieldForced => (messages, settings with { ThinkingBudget = budget, Enforcement = BudgetEnforcement.Force }),
            _ => throw new BardException($"unknown budget delivery {delivery}."),
        };
        var reply = await endpoint.CompleteAsync(sent, s, cancel);
        return reply.Choices.Select(c => new BudgetedReply(c, budget,
            student is not null ? BudgetPromptFormat.CountReasoningTokens(c.Reasoning, c.ThinkingClosed, student) : reply.Choices.Count == 1 ? reply.Usage.ReasoningTokens : -1,
            reply.Usage)).ToList();
    }
}
