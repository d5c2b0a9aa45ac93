using Bard.Serving;
using Bard.Text;

namespace Bard.Tests.Serving;

/// <summary>Budgets through the prompt (any server) and through <c>thinking_budget</c> (<c>bard serve</c>) are the same prompt.</summary>
public sealed class BudgetedEndpointTests(TinyChatModel tiny) : IClassFixture<TinyChatModel>
{
    [Fact]
    public async Task Ask_PromptLineAndRequestField_GiveTheSameGreedyAnswer()
    {
        await using var server = await tiny.StartAsync();
        using var endpoint = new ChatEndpoint(new ChatEndpointOptions { Endpoint = server.BaseUrl, Model = "tiny", Timeout = TimeSpan.FromMinutes(10) });
        var student = new Bard.Data.Tasks.EmbeddedTask(new Bard.Data.Tasks.EmbeddedTaskOptions()).CreateTokenizer();
        var asker = new BudgetedEndpoint(endpoint, student);
        var settings = new ChatRequestSettings { MaxTokens = 12, Temperature = 0 };
        ChatMessage[] q = [ChatMessage.User("What is 2+3?")];
        var byPrompt = (await asker.AskAsync(q, 32, BudgetDelivery.Prompt, settings)).Single();
        var byField = (await asker.AskAsync(q, 32, BudgetDelivery.Field, settings)).Single();
        Assert.Equal(byPrompt.Choice, byField.Choice);
        Assert.Equal(byPrompt.Usage, byField.Usage);
        var forced = (await asker.AskAsync(q, 4, BudgetDelivery.FieldForced, settings)).Single();
        Assert.Equal(4, forced.Usage.ReasoningTokens);
        // The client counts L from reasoning_content as the server does (one definition): both read b.
        Assert.Equal(forced.Usage.ReasoningTokens, forced.ThinkingTokens);
    }
}
