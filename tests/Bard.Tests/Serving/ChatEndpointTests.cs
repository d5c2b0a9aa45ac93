using System.Text.Json;
using Bard.Serving;
using Microsoft.Extensions.Time.Testing;
using Bard.Text;

namespace Bard.Tests.Serving;

/// <summary>The OpenAI-compatible client: against <c>bard serve</c>, and against a fault-injecting server.</summary>
public sealed class ChatEndpointTests(TinyChatModel tiny) : IClassFixture<TinyChatModel>
{
    static readonly ChatMessage[] Question = [ChatMessage.User("What is 2+3?")];

    /// <summary>Waits recorded, not slept: the tests stay fast and see exactly what the client would wait.</summary>
    sealed class Waits
    {
        public List<TimeSpan> Seen { get; } = [];
        public Task Delay(TimeSpan t, CancellationToken _) { lock (Seen) Seen.Add(t); return Task.CompletedTask; }
    }

    /// <summary>
    /// A per-try timeout far longer than any test: no request times out on a slow machine by accident. The one test of
    /// the timeout drives it with a fake clock.
    /// </summary>
    static readonly TimeSpan LongTimeout = TimeSpan.FromMinutes(10);

    static ChatEndpointOptions Options(Uri url, bool stream = false, int attempts = 5) => new()
    {
        Endpoint = url, Model = "tiny", Stream = stream, MaxAttempts = attempts, Timeout = LongTimeout,
    };


    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Complete_AgainstBardServe_SplitsReasoningAndCountsUsage(bool stream)
    {
        await using var server = await tiny.StartAsync();
        using var endpoint = new ChatEndpoint(Options(server.BaseUrl, stream));
        var settings = new ChatRequestSettings { MaxTokens = 14, Temperature = 0, ThinkingBudget = 5, Enforcement = BudgetEnforcement.Force };
        var reply = await endpoint.CompleteAsync(Question, settings);
        var choice = Assert.Single(reply.Choices);
        Assert.InRange(choice.Reasoning.Length, 1, 5);
        Assert.Equal(5, reply.Usage.ReasoningTokens);
        Assert.InRange(reply.Usage.CompletionTokens, 6, 14);
        Assert.Equal(1, reply.Attempts);
        Assert.Equal(reply.Usage, endpoint.TotalUsage);
    }

    [Fact]
    public async Task Complete_StreamAndJsonFromBardServe_AreTheSame()
    {
        await using var server = await tiny.StartAsync();
        var settings = new ChatRequestSettings { MaxTokens = 12, Temperature = 0, ThinkingBudget = 3, Enforcement = BudgetEnforcement.Force };
        using var json = new ChatEndpoint(Options(server.BaseUrl));
        using var sse = new ChatEndpoint(Options(server.BaseUrl, stream: true));
        var a = (await json.CompleteAsync(Question, settings)).Choices[0];
        var b = (await sse.CompleteAsync(Question, settings)).Choices[0];
        Assert.Equal(a with { ThinkingClosed = true }, b with { ThinkingClosed = true });
    }

    [Fact]
    public async Task Complete_EveryTransientFault_IsRetriedHonouringRetryAfter()
    {
        await using var faults = await FaultServer.StartAsync([Fault.RateLimited, Fault.ServerError, Fault.MalformedJson, Fault.Hang], _ => ("think", "\\boxed{5}"));
        var waits = new Waits();
        var clock = new FakeTimeProvider();
        using var endpoint = new ChatEndpoint(Options(faults.BaseUrl), delay: waits.Delay, time: clock);
        var pending = endpoint.CompleteAsync(Question);
        await Eventually.Until(() => faults.Bodies.Count == 4, "the 4th try sent"); // it hangs: the server never answers
        Assert.False(pending.IsCompleted);
        clock.Advance(LongTimeout);                 // its timeout expires on the fake clock
        var reply = await pending;
        Assert.Equal(5, reply.Attempts);
        Assert.Equal("think", reply.Choices[0].Reasoning);
        Assert.Equal("\\boxed{5}", reply.Choices[0].Content);
        Assert.Equal(5, faults.Bodies.Count);
        Assert.Equal(TimeSpan.FromSeconds(1), waits.Seen[0]); // Retry-After: 1
        Assert.InRange(waits.Seen[1].TotalSeconds, 1.0, 3.0);   // 1 s · 2¹ · [0.5, 1.5)
        Assert.InRange(waits.Seen[2].TotalSeconds, 2.0, 6.0);   // 1 s · 2² · [0.5, 1.5)
        Assert.Equal((1L, 4L), endpoint.Counts);
    }

    [Fact]
    public async Task Complete_RetryAfterAsHttpDate_IsHonoured()
    {
        // Server and client share one fake clock (at a whole second): the date 3 s ahead is a wait of exactly 3 s.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        await using var faults = await FaultServer.StartAsync([Fault.RetryAfterDate], _ => ("", "ok"), clock);
        var waits = new Waits();
        using var endpoint = new ChatEndpoint(Options(faults.BaseUrl), delay: waits.Delay, time: clock);
        Assert.Equal(2, (await endpoint.CompleteAsync(Question)).Attempts);
        Assert.Equal(TimeSpan.FromSeconds(3), waits.Seen.Single());
    }

    [Fact]
    public async Task Complete_StreamCutInTheMiddle_IsRetried()
    {
        await using var faults = await FaultServer.StartAsync([Fault.CutStream], _ => ("abc", "42"));
        var waits = new Waits();
        using var endpoint = new ChatEndpoint(Options(faults.BaseUrl, stream: true), delay: waits.Delay);
        var reply = await endpoint.CompleteAsync(Question);
        Assert.Equal(2, reply.Attempts);
        Assert.Equal(("abc", "42"), (reply.Choices[0].Reasoning, reply.Choices[0].Content));
        Assert.Equal(10 + 5, reply.Usage.TotalTokens);
    }

    [Fact]
    public async Task Complete_Refusal_FailsAtOnceWithTheServersMessage()
    {
        await using var faults = await FaultServer.StartAsync([Fault.Unauthorized], _ => ("", ""));
        using var endpoint = new ChatEndpoint(Options(faults.BaseUrl) with { ApiKey = "sk-secret-123" }, delay: new Waits().Delay);
        var e = await Assert.ThrowsAsync<EndpointException>(() => endpoint.CompleteAsync(Question));
        Assert.Equal(401, e.Status);
        Assert.False(e.Transient);
        Assert.Contains("bad key", e.Message);
        Assert.DoesNotContain("sk-secret-123", e.Message);
        Assert.Single(faults.Bodies);
    }

    [Fact]
    public async Task Complete_TriesRunOut_FailsWithTheLastError()
    {
        await using var faults = await FaultServer.StartAsync([Fault.ServerError, Fault.ServerError, Fault.ServerError], _ => ("", "ok"));
        using var endpoint = new ChatEndpoint(Options(faults.BaseUrl, attempts: 3), delay: new Waits().Delay);
        var e = await Assert.ThrowsAsync<EndpointException>(() => endpoint.CompleteAsync(Question));
        Assert.True(e.Transient);
        Assert.Equal(500, e.Status);
        Assert.Contains("3 tries", e.Message);
        Assert.Contains("boom", e.Message);
    }

    [Theory]
    [InlineData("vllm", false)]
    [InlineData("vllm", true)]
    [InlineData("sglang", false)]
    [InlineData("sglang", true)]
    public async Task Complete_VllmAndSglangDialects_ReadReasoningAndItsTokenCount(string shape, bool stream)
    {
        // vLLM writes message.reasoning (it dropped reasoning_content); SGLang writes reasoning_content and a top-level usage.reasoning_tokens.
        await using var faults = await FaultServer.StartAsync([], _ => ("\nlet me see\n", "5"), shape: shape);
        using var endpoint = new ChatEndpoint(Options(faults.BaseUrl, stream));
        var reply = await endpoint.CompleteAsync(Question);
        Assert.Equal("\nlet me see\n", reply.Choices[0].Reasoning);
        Assert.Equal("5", reply.Choices[0].Content);
        Assert.Equal("\nlet me see\n".Length, reply.Usage.ReasoningTokens);
    }

    [Fact]
    public async Task Complete_ThinkTagsInContent_AreSplitOut()
    {
        await using var faults = await FaultServer.StartAsync([], _ => ("", "<think>\nlet me see\n</think>\n\nThe answer is 5."));
        using var endpoint = new ChatEndpoint(Options(faults.BaseUrl));
        var c = (await endpoint.CompleteAsync(Question)).Choices[0];
        Assert.Equal("\nlet me see\n", c.Reasoning);
        Assert.Equal("The answer is 5.", c.Content);
    }

    [Fact]
    public async Task Complete_SendsSettingsAndBudgetFields()
    {
        await using var faults = await FaultServer.StartAsync([], _ => ("", "ok"));
        using var endpoint = new ChatEndpoint(Options(faults.BaseUrl));
        await endpoint.CompleteAsync(Question, new ChatRequestSettings { MaxTokens = 7, Temperature = 0.5, Seed = 3, ThinkingBudget = 64, Stop = ["###"] });
        var body = JsonDocument.Parse(faults.Bodies[0]).RootElement;
        Assert.Equal("tiny", body.GetProperty("model").GetString());
        Assert.Equal(7, body.GetProperty("max_tokens").GetInt32());
        Assert.Equal(64, body.GetProperty("thinking_budget").GetInt32());
        Assert.Equal("###", body.GetProperty("stop")[0].GetString());
        Assert.False(body.TryGetProperty("budget_enforcement", out _));
    }

    [Fact]
    public void NextDelay_DoublesUpToTheCap_RetryAfterWinsUpToItsCap()
    {
        using var endpoint = new ChatEndpoint(new ChatEndpointOptions
        {
            Endpoint = new Uri("http://127.0.0.1:1/v1"), Model = "m", InitialBackoff = TimeSpan.FromSeconds(2), MaxBackoff = TimeSpan.FromSeconds(10), MaxRetryAfter = TimeSpan.FromSeconds(30),
        });
        Assert.InRange(endpoint.NextDelay(1, null).TotalSeconds, 1.0, 3.0);
        Assert.InRange(endpoint.NextDelay(2, null).TotalSeconds, 2.0, 6.0);
        Assert.InRange(endpoint.NextDelay(9, null).TotalSeconds, 5.0, 15.0);
        Assert.Equal(TimeSpan.FromSeconds(7), endpoint.NextDelay(1, TimeSpan.FromSeconds(7)));
        Assert.Equal(TimeSpan.FromSeconds(30), endpoint.NextDelay(1, TimeSpan.FromHours(1)));
    }
}
