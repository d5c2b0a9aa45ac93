using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using Bard.Serving;
using OpenAI;
using OpenAI.Chat;

#pragma warning disable SCME0001, OPENAI001 // JsonPatch (extra request fields) and ReasoningEffortLevel are experimental in the OpenAI SDK

namespace Bard.Tests.Serving;

/// <summary>Every client family's way of asking for a thinking budget, mapped by <c>bard serve</c> (docs/serving.md, "Thinking fields").</summary>
public sealed class ThinkingFieldsTests(TinyChatModel tiny) : IClassFixture<TinyChatModel>
{
    static readonly ThinkingDefaults WithEfforts = new() { EffortBudgets = new Dictionary<string, int> { ["low"] = 16, ["medium"] = 64, ["high"] = 256 } };

    static ThinkingControl Read(string fields, ThinkingDefaults? defaults = null)
    {
        using var doc = JsonDocument.Parse("{" + fields + "}");
        return ThinkingControl.Read(doc.RootElement, defaults ?? ThinkingDefaults.Default);
    }

    public static TheoryData<string, int?, BudgetEnforcement, bool?, bool> Mapped => new()
    {
        // field(s)                                                         budget  enforcement                 thinking  reasoning in reply
        { "",                                                                null, BudgetEnforcement.Prompt, null,  true },
        { "\"thinking_budget\": 64",                                          64,   BudgetEnforcement.Prompt, null,  true },
        { "\"thinking_budget\": 64, \"budget_enforcement\": \"force\"",       64,   BudgetEnforcement.Force,  null,  true },
        { "\"thinking_token_budget\": 256",                                   256,  BudgetEnforcement.Force,  null,  true },  // vLLM: a hard cap
        { "\"thinking_token_budget\": -1",                                    null, BudgetEnforcement.Prompt, null,  true },  // vLLM: no cap
        { "\"thinking_budget_tokens\": 32",                                   32,   BudgetEnforcement.Force,  null,  true },  // llama.cpp
        { "\"custom_params\": {\"thinking_budget\": 48}",                     48,   BudgetEnforcement.Force,  null,  true },  // SGLang
        { "\"chat_template_kwargs\": {\"thinking_budget\": 128}",             128,  BudgetEnforcement.Prompt, null,  true },  // template variable
        { "\"chat_template_kwargs\": {\"enable_thinking\": false}",           null, BudgetEnforcement.Prompt, false, true },  // SGLang / Qwen
        { "\"enable_thinking\": false",                                       null, BudgetEnforcement.Prompt, false, true },
        { "\"enable_thinking\": true, \"thinking_budget\": 8",                8,    BudgetEnforcement.Prompt, true,  true },
        { "\"thinking\": {\"type\": \"enabled\", \"budget_tokens\": 1024}",   1024, BudgetEnforcement.Prompt, true,  true },  // Anthropic
        { "\"thinking\": {\"type\": \"disabled\"}",                           null, BudgetEnforcement.Prompt, false, true },
        { "\"reasoning\": {\"max_tokens\": 200}",                             200,  BudgetEnforcement.Prompt, null,  true },  // OpenRouter
        { "\"reasoning\": {\"exclude\": true}",                               null, BudgetEnforcement.Prompt, null,  false },
        { "\"reasoning\": {\"effort\": \"medium\"}",                          64,   BudgetEnforcement.Prompt, null,  true },
        { "\"reasoning_effort\": \"high\"",                                   256,  BudgetEnforcement.Prompt, null,  true },  // OpenAI
        { "\"reasoning_effort\": \"none\"",                                   null, BudgetEnforcement.Prompt, false, true },
        { "\"include_reasoning\": false",                                     null, BudgetEnforcement.Prompt, null,  false },
        // The same budget from two fields agrees: stated in the prompt and forced (vLLM clients often send both).
        { "\"thinking_token_budget\": 64, \"chat_template_kwargs\": {\"thinking_budget\": 64}", 64, BudgetEnforcement.Force, null, true },
    };

    [Theory]
    [MemberData(nameof(Mapped))]
    public void Read_EachClientField_MapsToBudgetEnforcementSwitchAndInclusion(string fields, int? budget, BudgetEnforcement enforcement, bool? thinking, bool include)
    {
        var c = Read(fields, WithEfforts);
        Assert.Equal((budget, enforcement, thinking, include), (c.Budget, c.Enforcement, c.Thinking, c.IncludeReasoning));
    }

    [Fact]
    public void Read_ServerDefaultEnforcement_AppliesToFieldsThatDoNotSay()
    {
        var force = new ThinkingDefaults { Enforcement = BudgetEnforcement.Force };
        Assert.Equal(BudgetEnforcement.Force, Read("\"thinking_budget\": 64", force).Enforcement);
        Assert.Equal(BudgetEnforcement.Force, Read("\"reasoning\": {\"max_tokens\": 64}", force).Enforcement);
        Assert.Equal(BudgetEnforcement.Prompt, Read("\"thinking_budget\": 64, \"budget_enforcement\": \"prompt\"", force).Enforcement);
        // A template variable only ever states the budget in the prompt.
        Assert.Equal(BudgetEnforcement.Prompt, Read("\"chat_template_kwargs\": {\"thinking_budget\": 64}", force).Enforcement);
    }

    [Theory]
    [InlineData("\"thinking_budget\": 64, \"thinking_token_budget\": 128", "thinking_budget", "thinking_token_budget")]
    [InlineData("\"thinking_token_budget\": -1, \"chat_template_kwargs\": {\"thinking_budget\": 64}", "thinking_token_budget", "chat_template_kwargs.thinking_budget")]
    [InlineData("\"enable_thinking\": true, \"chat_template_kwargs\": {\"enable_thinking\": false}", "chat_template_kwargs.enable_thinking", "enable_thinking")]
    [InlineData("\"enable_thinking\": false, \"thinking_budget\": 64", "enable_thinking", "thinking_budget")]
    [InlineData("\"thinking\": {\"type\": \"disabled\"}, \"reasoning\": {\"max_tokens\": 100}", "thinking.type", "reasoning.max_tokens")]
    [InlineData("\"include_reasoning\": true, \"reasoning\": {\"exclude\": true}", "reasoning.exclude", "include_reasoning")]
    [InlineData("\"thinking_token_budget\": 64, \"budget_enforcement\": \"prompt\"", "thinking_token_budget", "budget_enforcement")]
    [InlineData("\"reasoning_effort\": \"low\", \"thinking_budget\": 64", "thinking_budget", "reasoning_effort")]
    public void Read_FieldsThatDisagree_Are400NamingBoth(string fields, string one, string other)
    {
        var e = Assert.Throws<ApiErrorException>(() => Read(fields, WithEfforts));
        Assert.Equal(400, e.Error.Status);
        Assert.Contains($"'{one}'", e.Error.Message);
        Assert.Contains($"'{other}'", e.Error.Message);
    }

    [Theory]
    [InlineData("\"reasoning_effort\": \"high\"", "--effort-budgets")]           // no table on the server
    [InlineData("\"thinking_token_budget\": -7", "thinking_token_budget")]
    [InlineData("\"thinking\": {\"type\": \"sometimes\"}", "thinking.type")]
    [InlineData("\"chat_template_kwargs\": {\"enable_thinking\": \"no\"}", "chat_template_kwargs.enable_thinking")]
    [InlineData("\"reasoning\": \"lots\"", "reasoning")]
    public void Read_BadValues_Are400NamingTheField(string fields, string named)
    {
        var e = Assert.Throws<ApiErrorException>(() => Read(fields));
        Assert.Equal(400, e.Error.Status);
        Assert.Contains(named, e.Error.Message);
    }

    [Fact]
    public void ParseEffortBudgets_ReadsTheTableAndNamesABadEntry()
    {
        Assert.Equal(new Dictionary<string, int> { ["low"] = 256, ["medium"] = 1024, ["high"] = 4096 }, ThinkingDefaults.ParseEffortBudgets("low=256, medium=1024,high=4096"));
        Assert.Contains("'high'", Assert.Throws<BardException>(() => ThinkingDefaults.ParseEffortBudgets("low=1,high")).Message);
        Assert.Contains("twice", Assert.Throws<BardException>(() => ThinkingDefaults.ParseEffortBudgets("low=1,low=2")).Message);
    }

    // ---- through the server, with the official OpenAI .NET client's protocol fields (JsonPatch) where its typed API has none ----

    static ChatClient Client(ChatServer server) => new("tiny", new ApiKeyCredential("none"), new OpenAIClientOptions { Endpoint = server.BaseUrl });

    static async Task<(JsonElement Choice, JsonElement Usage)> Complete(ChatServer server, Action<ChatCompletionOptions> fields, int maxTokens = 16)
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = maxTokens, Temperature = 0 };
        fields(options);
        ClientResult<ChatCompletion> result = await Client(server).CompleteChatAsync([new UserChatMessage("What is 2+3?")], options);
        var root = JsonDocument.Parse(result.GetRawResponse().Content.ToString()).RootElement.Clone();
        return (root.GetProperty("choices")[0], root.GetProperty("usage"));
    }

    // Every mapped field through the server, sent with the OpenAI .NET client's protocol method (raw JSON body), b = 4.
    [Theory]
    [InlineData("\"thinking_budget\": 4", "stated")]
    [InlineData("\"thinking_budget\": 4, \"budget_enforcement\": \"force\"", "forced")]
    [InlineData("\"thinking_token_budget\": 4", "forced")]
    [InlineData("\"thinking_budget_tokens\": 4", "forced")]
    [InlineData("\"custom_params\": {\"thinking_budget\": 4}", "forced")]
    [InlineData("\"chat_template_kwargs\": {\"thinking_budget\": 4}", "stated")]
    [InlineData("\"thinking\": {\"type\": \"enabled\", \"budget_tokens\": 4}", "stated")]
    [InlineData("\"reasoning\": {\"max_tokens\": 4}", "stated")]
    [InlineData("\"reasoning\": {\"effort\": \"low\"}", "stated")]
    [InlineData("\"reasoning_effort\": \"low\"", "stated")]
    [InlineData("\"enable_thinking\": false", "off")]
    [InlineData("\"chat_template_kwargs\": {\"enable_thinking\": false}", "off")]
    [InlineData("\"thinking\": {\"type\": \"disabled\"}", "off")]
    [InlineData("\"reasoning\": {\"enabled\": false}", "off")]
    [InlineData("\"reasoning_effort\": \"none\"", "off")]
    [InlineData("\"include_reasoning\": false", "excluded")]
    [InlineData("\"reasoning\": {\"exclude\": true}", "excluded")]
    public async Task Serve_EachMappedField_HasItsEffect(string fields, string effect)
    {
        await using var server = await tiny.StartAsync(new ServeOptions { ModelName = "tiny", Port = 0, Thinking = new ThinkingDefaults { EffortBudgets = new Dictionary<string, int> { ["low"] = 4 } } });
        var client = Client(server);
        async Task<JsonElement> Send(string extra)
        {
            string body = "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"What is 2+3?\"}],\"max_tokens\":16,\"temperature\":0" + extra + "}";
            ClientResult result = await client.CompleteChatAsync(BinaryContent.Create(BinaryData.FromString(body)));
            return JsonDocument.Parse(result.GetRawResponse().Content.ToString()).RootElement.Clone();
        }
        var plain = await Send("");
        var reply = await Send(", " + fields);
        var choice = reply.GetProperty("choices")[0];
        var message = choice.GetProperty("message");
        int promptGrowth = reply.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() - plain.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
        int reasoningTokens = reply.GetProperty("usage").GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32();
        int line = "\nThinking budget: 4 tokens.".Length; // one token a character
        switch (effect)
        {
            case "stated":
                Assert.Equal(line, promptGrowth);
                Assert.False(choice.GetProperty("budget_forced").GetBoolean());
                break;
            case "forced":
                Assert.Equal(line, promptGrowth); // forcing states the budget too
                Assert.Equal(4, reasoningTokens);
                Assert.True(choice.GetProperty("budget_forced").GetBoolean());
                break;
            case "off":
                Assert.Equal(0, reasoningTokens);
                Assert.Equal("", message.GetProperty("reasoning").GetString());
                break;
            case "excluded":
                Assert.Equal(0, promptGrowth);
                Assert.False(message.TryGetProperty("reasoning", out _));
                Assert.False(message.TryGetProperty("reasoning_content", out _));
                break;
        }
        if (effect != "excluded") Assert.Equal(message.GetProperty("reasoning").GetString(), message.GetProperty("reasoning_content").GetString());
    }

    [Theory]
    [InlineData("\"thinking_budget\": 4, \"thinking_token_budget\": 8", "thinking_budget", "thinking_token_budget")]
    [InlineData("\"enable_thinking\": false, \"reasoning\": {\"max_tokens\": 8}", "enable_thinking", "reasoning.max_tokens")]
    [InlineData("\"custom_params\": {\"thinking_budget\": 8}, \"budget_enforcement\": \"prompt\"", "custom_params.thinking_budget", "budget_enforcement")]
    public async Task Serve_ConflictingFields_Are400NamingBoth(string fields, string one, string other)
    {
        await using var server = await tiny.StartAsync();
        string body = "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":4, " + fields + "}";
        var e = await Assert.ThrowsAsync<ClientResultException>(() => Client(server).CompleteChatAsync(BinaryContent.Create(BinaryData.FromString(body))));
        Assert.Equal(400, e.Status);
        string text = JsonDocument.Parse(e.GetRawResponse()!.Content.ToString()).RootElement.GetProperty("error").GetProperty("message").GetString()!;
        Assert.Contains($"'{one}'", text);
        Assert.Contains($"'{other}'", text);
    }

    [Fact]
    public async Task Serve_VllmThinkingTokenBudget_IsAHardCapAndTheChoiceSaysItWasForced()
    {
        await using var server = await tiny.StartAsync();
        var (choice, usage) = await Complete(server, o => o.Patch.Set("$.thinking_token_budget"u8, 5));
        Assert.Equal(5, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.True(choice.GetProperty("budget_forced").GetBoolean());
        var message = choice.GetProperty("message");
        // Reasoning under both names, equal.
        Assert.Equal(message.GetProperty("reasoning_content").GetString(), message.GetProperty("reasoning").GetString());
        // Without a budget nothing is forced.
        var (free, _) = await Complete(server, _ => { });
        Assert.False(free.GetProperty("budget_forced").GetBoolean());
    }

    [Fact]
    public async Task Serve_TemplateKwargsBudget_IsStatedInThePromptLikeThinkingBudget()
    {
        await using var server = await tiny.StartAsync();
        var (_, own) = await Complete(server, o => o.Patch.Set("$.thinking_budget"u8, 64));
        var (_, kwargs) = await Complete(server, o => o.Patch.Set("$.chat_template_kwargs.thinking_budget"u8, 64));
        var (_, plain) = await Complete(server, _ => { });
        int p(JsonElement u) => u.GetProperty("prompt_tokens").GetInt32();
        Assert.Equal(p(own), p(kwargs));
        Assert.Equal("\nThinking budget: 64 tokens.".Length, p(kwargs) - p(plain));
    }

    [Fact]
    public async Task Serve_ThinkingOff_ClosesTheThinkingAtOnce()
    {
        // The tiny model's ChatML template renders enable_thinking=false as an empty, closed think block (as Qwen3's does).
        await using var server = await tiny.StartAsync();
        foreach (Action<ChatCompletionOptions> off in new Action<ChatCompletionOptions>[]
                 {
                     o => o.Patch.Set("$.chat_template_kwargs.enable_thinking"u8, false),
                     o => o.Patch.Set("$.thinking.type"u8, "disabled"),
                 })
        {
            var (choice, usage) = await Complete(server, off);
            Assert.Equal("", choice.GetProperty("message").GetProperty("reasoning_content").GetString());
            Assert.Equal(0, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        }
    }

    [Fact]
    public async Task Serve_ExcludeReasoning_LeavesBothReasoningFieldsOut()
    {
        await using var server = await tiny.StartAsync();
        var (choice, _) = await Complete(server, o => { o.Patch.Set("$.thinking_token_budget"u8, 4); o.Patch.Set("$.include_reasoning"u8, false); });
        var message = choice.GetProperty("message");
        Assert.False(message.TryGetProperty("reasoning", out _));
        Assert.False(message.TryGetProperty("reasoning_content", out _));
        Assert.True(message.TryGetProperty("content", out _));
    }

    [Fact]
    public async Task Serve_ReasoningEffort_UsesTheServerTableOr400sWithoutOne()
    {
        await using (var server = await tiny.StartAsync(new ServeOptions { ModelName = "tiny", Port = 0, Thinking = WithEfforts }))
        {
            var (_, low) = await Complete(server, o => o.ReasoningEffortLevel = ChatReasoningEffortLevel.Low);
            var (_, own) = await Complete(server, o => o.Patch.Set("$.thinking_budget"u8, 16));
            Assert.Equal(own.GetProperty("prompt_tokens").GetInt32(), low.GetProperty("prompt_tokens").GetInt32());
        }
        await using (var bare = await tiny.StartAsync())
        {
            var e = await Assert.ThrowsAsync<ClientResultException>(() => Complete(bare, o => o.ReasoningEffortLevel = ChatReasoningEffortLevel.Low));
            Assert.Equal(400, e.Status);
            Assert.Contains("--effort-budgets", e.Message);
        }
    }

    [Fact]
    public async Task Serve_StreamingForcedBudget_DeltasCarryBothNamesAndTheLastChunkSaysForced()
    {
        await using var server = await tiny.StartAsync();
        string body = "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"What is 2+3?\"}],\"max_tokens\":14,\"temperature\":0,"
            + "\"thinking_token_budget\":4,\"stream\":true}";
        using var http = new HttpClient();
        var response = await http.PostAsync($"{server.BaseUrl}/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var chunks = (await response.Content.ReadAsStringAsync()).Split('\n').Where(l => l.StartsWith("data: {")).Select(l => JsonDocument.Parse(l[6..]).RootElement.Clone()).ToList();
        var a = new StringBuilder();
        var b = new StringBuilder();
        bool? forced = null;
        foreach (var c in chunks.SelectMany(x => x.GetProperty("choices").EnumerateArray()))
        {
            var d = c.GetProperty("delta");
            Assert.Equal(d.TryGetProperty("reasoning", out var r1), d.TryGetProperty("reasoning_content", out var r2));
            if (r1.ValueKind == JsonValueKind.String) { a.Append(r1.GetString()); b.Append(r2.GetString()); }
            if (c.TryGetProperty("budget_forced", out var f)) forced = f.GetBoolean();
        }
        Assert.True(a.Length > 0, "no reasoning deltas");
        Assert.Equal(a.ToString(), b.ToString());
        Assert.True(forced, "the finishing chunk carries budget_forced: true");
    }

    [Theory]
    [InlineData("reasoning")]
    [InlineData("reasoning_content")]
    public void Parse_PriorAssistantTurn_TakesReasoningUnderEitherName(string field)
    {
        string body = "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"},"
            + $"{{\"role\":\"assistant\",\"content\":\"b\",\"{field}\":\"thought\"}},{{\"role\":\"user\",\"content\":\"c\"}}]}}";
        Assert.Equal("thought", ChatCompletionRequest.Parse(Encoding.UTF8.GetBytes(body)).Messages[1].ReasoningContent);
        string both = body.Replace($"\"{field}\":\"thought\"", "\"reasoning\":\"x\",\"reasoning_content\":\"y\"");
        Assert.Contains("differ", Assert.Throws<ApiErrorException>(() => ChatCompletionRequest.Parse(Encoding.UTF8.GetBytes(both))).Error.Message);
    }
}
