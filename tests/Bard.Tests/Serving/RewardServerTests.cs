using System.Net;
using System.Text;
using System.Text.Json;
using Bard.Data.Tasks;
using Bard.Serving;
using Bard.Text;

namespace Bard.Tests.Serving;

/// <summary>The BARD reward behind OpenRLHF's remote reward protocol: hand-computable rewards and 400s for malformed bodies.</summary>
public sealed class RewardServerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    static readonly ITokenizer Tokenizer = new EmbeddedTask(new EmbeddedTaskOptions()).CreateTokenizer();
    static readonly ChatTemplate Template = ChatTemplate.Parse(ChatML.Template);

    static string Prompt(int budget, string question = "What is 2+3?") => BudgetPromptFormat.Default.RenderPrompt(Template, question, budget);

    /// <summary>A response whose thinking is exactly <paramref name="thinkingTokens"/> character tokens (the layout newlines do not count).</summary>
    static string Response(int thinkingTokens, string answer, bool closed = true) =>
        "<think>\n" + new string('x', thinkingTokens) + (closed ? "\n</think>\n\n" + answer + "<|im_end|>" : "");

    static BudgetRewardScorer Scorer() => new(new RewardServeOptions(), Tokenizer);

    [Theory]
    [InlineData(10, "The answer is \\boxed{5}.", true, 1.0)]   // L = b, correct
    [InlineData(12, "\\boxed{5}", true, 0.6)]                   // f = 1 − |12 − 10| / (0.5·10)
    [InlineData(8, "the answer is 5", true, 0.6)]               // a final-answer line
    [InlineData(15, "\\boxed{5}", true, 0.0)]                   // 50% over: f = 0
    [InlineData(10, "\\boxed{6}", true, 0.0)]                   // wrong
    [InlineData(10, "\\boxed{5}", false, 0.0)]                  // thinking never closed: gated
    public void Score_TableRows_MatchHandComputedReward(int thinking, string answer, bool closed, double expected)
    {
        string prompt = Prompt(10);
        var r = Scorer().Score(prompt + Response(thinking, answer, closed), prompt, "5");
        Assert.Equal(10, r.Budget);
        Assert.Equal(thinking, r.ThinkingTokens);
        Assert.Equal(expected, r.Reward.Value, 9);
    }

    [Fact]
    public void Score_LeftPaddedQueryWithEndTokens_ScoresTheResponseOnly()
    {
        string prompt = Prompt(10);
        var r = Scorer().Score("<pad><pad>" + prompt + Response(10, "\\boxed{5}") + "\n<|endoftext|><pad>", prompt, "5");
        Assert.Equal(1.0, r.Reward.Value, 9);
        Assert.EndsWith("\\boxed{5}", r.Response);
    }

    [Fact]
    public void ReadBudget_RenderedPromptOrBareTurn_FindsTheBudget_NoneGivesNull()
    {
        var scorer = Scorer();
        Assert.Equal(256, scorer.ReadBudget(Prompt(256)));
        Assert.Equal(32, scorer.ReadBudget(BudgetPromptFormat.Default.AddBudget("Q?", 32)));
        Assert.Null(scorer.ReadBudget("<|im_start|>user\nWhat is 2+3?<|im_end|>\n<|im_start|>assistant\n"));
        // A budget line not on a line of its own (no separator before it) is quoted text, not the budget.
        Assert.Null(scorer.ReadBudget("<|im_start|>user\nWhy does it say Thinking budget: 9 tokens.?<|im_end|>\n"));
        Assert.Equal(32, scorer.ReadBudget(BudgetPromptFormat.Default.AddBudget("It said Thinking budget: 9 tokens. here", 32)));
        var prepend = new BudgetRewardScorer(new RewardServeOptions { Format = BudgetPromptFormat.Default with { Placement = BudgetPlacement.PrependToUser } }, Tokenizer);
        Assert.Equal(48, prepend.ReadBudget("<|im_start|>user\n" + (BudgetPromptFormat.Default with { Placement = BudgetPlacement.PrependToUser }).AddBudget("Q?", 48) + "<|im_end|>\n"));
    }

    [Fact]
    public void Score_HugePromptFullOfBudgetLinesAndHugePadding_WorkIsLinear()
    {
        // The probe's 1.6 MB prompt, every line a budget line, and a response followed by 20,000 padding tokens.
        // Reading the budget used to copy and rescan the prompt per line (44–46 s); stripping the padding copied the
        // response once per token. Both are one pass now. The work is pinned by the bytes allocated on this thread — a
        // deterministic measure, unlike time: a copy per line or per token would allocate gigabytes; one pass
        // allocates a few times the input. (The time is printed for the record, never asserted: benchmarks check speed.)
        string lines = string.Concat(Enumerable.Repeat("Thinking budget: 7 tokens.\n", 1_600_000 / 27));
        string prompt = "<|im_start|>user\n" + BudgetPromptFormat.Default.AddBudget(lines + "Q?", 64) + "<|im_end|>\n<|im_start|>assistant\n";
        string padding = string.Concat(Enumerable.Repeat("<pad>", 20_000)); // a copy per token: 2 GB allocated
        string query = prompt + Response(64, "\\boxed{5}") + "\n<|endoftext|>" + padding;
        var scorer = Scorer();
        long inputBytes = 2L * (prompt.Length + query.Length); // UTF-16
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var r = scorer.Score(query, prompt, "5");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        clock.Stop();
        output.WriteLine($"Score of a {prompt.Length / 1e6:F1} MB prompt + {padding.Length / 5} padding tokens: {clock.Elapsed.TotalMilliseconds:F0} ms, {allocated / 1e6:F1} MB allocated");
        Assert.Equal(64, r.Budget);
        Assert.Equal(1.0, r.Reward.Value, 9);
        Assert.EndsWith("\\boxed{5}", r.Response);
        Assert.True(allocated < 4 * inputBytes, $"{allocated:N0} bytes allocated for {inputBytes:N0} bytes of input: more than one pass");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}"); // a hang guard only
    }

    [Theory]
    [InlineData("x<|im_end|>", "x")]
    [InlineData("x \n<|im_end|>\n<|endoftext|><pad><pad>", "x \n")]
    [InlineData("x\n</s> <pad>\n", "x\n")] // whitespace before the last token removed stays, as before
    [InlineData("x<pad>y", "x<pad>y")]
    [InlineData("x  ", "x  ")]
    [InlineData("<pad><pad>", "")]
    public void ResponseOf_TrailingEndAndPadTokens_AreRemovedWithTheWhitespaceBetweenThem(string response, string expected) =>
        Assert.Equal(expected, Scorer().ResponseOf("P:" + response, "P:"));

    static async Task<(HttpStatusCode Status, JsonElement Json)> PostAsync(RewardServer server, string body)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(server.RewardUrl, new StringContent(body, Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task GetReward_OpenRLHFRequest_ReturnsTheBardRewards()
    {
        await using var server = await RewardServer.StartAsync(Scorer(), new RewardServeOptions { Port = 0 });
        string p10 = Prompt(10), p20 = Prompt(20, "What is 7*6?");
        var body = JsonSerializer.Serialize(new
        {
            query = new[] { p10 + Response(10, "\\boxed{5}"), p10 + Response(12, "\\boxed{5}"), p20 + Response(20, "\\boxed{42}"), p20 + Response(20, "41") },
            prompts = new[] { p10, p10, p20, p20 },
            labels = new[] { "5", "5", "42", "42" },
        });
        var (status, json) = await PostAsync(server, body);
        Assert.Equal(HttpStatusCode.OK, status);
        var rewards = json.GetProperty("rewards").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        Assert.Equal([1.0, 0.6, 1.0, 0.0], rewards.Select(x => Math.Round(x, 9)).ToArray());
        Assert.Equal([10.0, 10, 20, 20], json.GetProperty("extra_logs").GetProperty("budget").EnumerateArray().Select(x => x.GetDouble()).ToArray());
    }

    [Fact]
    public async Task GetReward_OpenRLHF011SingleSampleRequest_IsScored()
    {
        // The request OpenRLHF 0.11.0 sends (openrlhf/utils/agent.py, SingleTurnAgentExecutor.execute → _fetch_rewards_via_http):
        // one sample, query = tokenizer.decode(prompt ids + response ids, skip_special_tokens=False), prompts = [prompt], labels = [label].
        await using var server = await RewardServer.StartAsync(Scorer(), new RewardServeOptions { Port = 0 });
        string prompt = Prompt(16);
        string body = "{\"query\": [" + JsonSerializer.Serialize(prompt + Response(16, "\\boxed{5}")) + "], \"prompts\": ["
            + JsonSerializer.Serialize(prompt) + "], \"labels\": [\"5\"]}";
        var (status, json) = await PostAsync(server, body);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1.0, Math.Round(json.GetProperty("rewards")[0].GetDouble(), 9));
        Assert.Equal(1.0, json.GetProperty("scores")[0].GetDouble(), 9); // OpenRLHF reads "scores" first, then "rewards"
        Assert.Equal(16, json.GetProperty("extra_logs").GetProperty("thinking_tokens")[0].GetDouble());
    }

    [Fact]
    public async Task GetReward_BudgetsArray_OverridesTheBudgetInThePrompt()
    {
        await using var server = await RewardServer.StartAsync(Scorer(), new RewardServeOptions { Port = 0 });
        string p10 = Prompt(10), bare = "<|im_start|>user\nWhat is 2+3?<|im_end|>\n<|im_start|>assistant\n";
        var body = JsonSerializer.Serialize(new
        {
            query = new[] { p10 + Response(12, "\\boxed{5}"), bare + Response(12, "\\boxed{5}") },
            prompts = new[] { p10, bare },
            labels = new[] { "5", "5" },
            budgets = new[] { 12, 12 },
        });
        var (status, json) = await PostAsync(server, body);
        Assert.Equal(HttpStatusCode.OK, status);
        // 12 thinking tokens against budget 12: full reward, also for the prompt that states no budget at all.
        Assert.Equal([1.0, 1.0], json.GetProperty("rewards").EnumerateArray().Select(x => Math.Round(x.GetDouble(), 9)).ToArray());
        Assert.Equal([12.0, 12], json.GetProperty("extra_logs").GetProperty("budget").EnumerateArray().Select(x => x.GetDouble()).ToArray());
        var (bad, error) = await PostAsync(server, body.Replace("[12,12]", "[12,0]"));
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Equal("budgets[1]", error.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task GetReward_RejectedRequest_IsLoggedWithItsReason()
    {
        await using var server = await RewardServer.StartAsync(Scorer(), new RewardServeOptions { Port = 0 });
        var log = new List<string>();
        server.Log = line => { lock (log) log.Add(line); };
        string bare = "<|im_start|>user\nWhat is 2+3?<|im_end|>\n<|im_start|>assistant\n";
        var (status, _) = await PostAsync(server, JsonSerializer.Serialize(new { query = new[] { bare + "5" }, prompts = new[] { bare }, labels = new[] { "5" } }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var line = Assert.Single(log);
        Assert.Contains("prompts[0]", line);
        Assert.Contains("states no thinking budget", line);
    }

    [Fact]
    public async Task GetReward_EmptyLabel_Gets400NamingOpenRLHFsLabelKey()
    {
        // OpenRLHF without --data.label_key sends "" for every label: a silent reward of 0 would train on nothing.
        await using var server = await RewardServer.StartAsync(Scorer(), new RewardServeOptions { Port = 0 });
        string p10 = Prompt(10);
        var (status, json) = await PostAsync(server, JsonSerializer.Serialize(new { query = new[] { p10 + Response(10, "\\boxed{5}") }, prompts = new[] { p10 }, labels = new[] { "" } }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("--data.label_key", json.GetProperty("error").GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("lone surrogate")]
    [InlineData("invalid UTF-8")]
    public async Task GetReward_InvalidText_Gets400Not500(string kind)
    {
        await using var server = await RewardServer.StartAsync(Scorer(), new RewardServeOptions { Port = 0 });
        string p10 = Prompt(10);
        byte[] body = kind == "lone surrogate"
            ? Encoding.UTF8.GetBytes("{\"query\":[\"x\\ud800\"],\"prompts\":[\"x\"],\"labels\":[\"5\"]}")
            : [.. Encoding.UTF8.GetBytes("{\"query\":[\"x"), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes("\"],\"prompts\":[\"x\"],\"labels\":[\"5\"]}")];
        using var http = new HttpClient();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(server.RewardUrl, content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server, JsonSerializer.Serialize(new { query = new[] { p10 + Response(10, "\\boxed{5}") }, prompts = new[] { p10 }, labels = new[] { "5" } }))).Status);
    }

    [Fact]
    public async Task GetReward_WithApiKey_RefusesRequestsWithoutIt()
    {
        await using var server = await RewardServer.StartAsync(Scorer(), new RewardServeOptions { Port = 0, ApiKey = "s3cret" });
        string p10 = Prompt(10);
        string body = JsonSerializer.Serialize(new { query = new[] { p10 + Response(10, "\\boxed{5}") }, prompts = new[] { p10 }, labels = new[] { "5" } });
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(server, body)).Status);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, server.RewardUrl) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "s3cret");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Throws<BardException>(() => new RewardServeOptions { ApiKey = "  " }.Validate());
    }

    [Theory]
    [InlineData("{\"query\":[\"a\"")]
    [InlineData("[\"a\"]")]
    [InlineData("{\"query\":[\"a\"],\"prompts\":[\"a\"]}")]
    [InlineData("{\"query\":[\"a\",\"b\"],\"prompts\":[\"a\"],\"labels\":[\"1\"]}")]
    [InlineData("{\"query\":[7],\"prompts\":[\"a\"],\"labels\":[\"1\"]}")]
    [InlineData("{\"query\":[\"no budget here 5\"],\"prompts\":[\"no budget here\"],\"labels\":[\"5\"]}")]
    public async Task GetReward_MalformedBody_Gets400AndServerLivesOn(string body)
    {
        await using var server = await RewardServer.StartAsync(Scorer(), new RewardServeOptions { Port = 0 });
        var (status, json) = await PostAsync(server, body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False(string.IsNullOrEmpty(json.GetProperty("error").GetProperty("message").GetString()));
        string p = Prompt(10);
        var (ok, _) = await PostAsync(server, JsonSerializer.Serialize(new { query = new[] { p + Response(10, "5") }, prompts = new[] { p }, labels = new[] { "5" } }));
        Assert.Equal(HttpStatusCode.OK, ok);
    }

    [Fact]
    public async Task GetReward_BodyOverMaxBodyBytes_Gets413NamingTheOption()
    {
        await using var server = await RewardServer.StartAsync(Scorer(), new RewardServeOptions { Port = 0, MaxBodyBytes = 2048 });
        string p10 = Prompt(10);
        var (status, json) = await PostAsync(server, JsonSerializer.Serialize(new { query = new[] { p10 + Response(3000, "\\boxed{5}") }, prompts = new[] { p10 }, labels = new[] { "5" } }));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("request_too_large", json.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("(2048 bytes, --max-body-bytes)", json.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server, JsonSerializer.Serialize(new { query = new[] { p10 + Response(10, "\\boxed{5}") }, prompts = new[] { p10 }, labels = new[] { "5" } }))).Status);
    }

    [Fact]
    public async Task GetReward_ResponseOverMaxResponseChars_Gets413NamingTheSampleAndTheOption()
    {
        // Token counting costs memory in proportion to the response (a 60 MB one took 2.4 GB): past the limit the sample is
        // refused before anything is counted, and a response at the limit is still scored.
        await using var server = await RewardServer.StartAsync(Scorer(), new RewardServeOptions { Port = 0, MaxResponseChars = 400 });
        string p10 = Prompt(10), ok = Response(10, "\\boxed{5}"), padded = ok + new string(' ', 400 - ok.Length), over = padded + " ";
        var (status, json) = await PostAsync(server, JsonSerializer.Serialize(new { query = new[] { p10 + ok, p10 + over }, prompts = new[] { p10, p10 }, labels = new[] { "5", "5" } }));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        var error = json.GetProperty("error");
        Assert.Equal("response_too_long", error.GetProperty("code").GetString());
        Assert.Equal("query[1]", error.GetProperty("param").GetString());
        Assert.Contains("sample 1: the response is 401 characters", error.GetProperty("message").GetString());
        Assert.Contains("(400, --max-response-chars)", error.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server, JsonSerializer.Serialize(new { query = new[] { p10 + padded }, prompts = new[] { p10 }, labels = new[] { "5" } }))).Status);
    }

    /// <summary>Sends the headers and the first bytes of a body that claims <paramref name="length"/> bytes, then reads the whole answer.</summary>
    static async Task<(System.Net.Sockets.TcpClient Client, Task<string> Answer)> SendPartialBodyAsync(Uri url, int length, string start)
    {
        var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(url.Host, url.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST {url.AbsolutePath} HTTP/1.1\r\nHost: {url.Authority}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n{start}"));
        return (client, new StreamReader(stream, Encoding.UTF8).ReadToEndAsync());
    }

    [Fact]
    public async Task GetReward_BodyNotInByTheDeadline_Gets408NamingRequestTimeout()
    {
        // On a fake clock: the client sends 10 of the 200 bytes it announced and goes silent; the deadline passes.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var limit = TimeSpan.FromMinutes(1);
        await using var server = await RewardServer.StartAsync(Scorer(), new RewardServeOptions { Port = 0, RequestTimeout = limit }, clock: clock);
        var log = new List<string>();
        server.Log = line => { lock (log) log.Add(line); };
        var (client, answer) = await SendPartialBodyAsync(server.RewardUrl, 200, "{\"query\":[");
        using (client)
        {
            // The deadline is armed when the handler starts reading; advancing until the answer comes needs no timing.
            await Eventually.Until(() => { clock.Advance(limit); return answer.IsCompleted; }, "the stalled request answered");
            string response = await answer;
            Assert.StartsWith("HTTP/1.1 408", response);
            Assert.Contains("\"code\":\"request_timeout\"", response);
            Assert.Contains("--request-timeout", response);
        }
        Assert.Contains(log, l => l.Contains("rejected a request (408)"));
    }

    [Trait("Category", "Slow")] // see README: the fast loop leaves it out
    [Fact]
    public async Task GetReward_BodyTricklesInBelowKestrelsMinimumRate_Gets408Not500()
    {
        // Kestrel gives up on a body slower than 240 bytes/s after a 5 s grace (real time: this test takes about 6 s) and
        // throws BadHttpRequestException(408) at the reader, which used to become a 500 "internal error".
        await using var server = await RewardServer.StartAsync(Scorer(), new RewardServeOptions { Port = 0 });
        var (client, answer) = await SendPartialBodyAsync(server.RewardUrl, 2000, "{\"query\":[");
        using (client)
        {
            string response = await answer.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.StartsWith("HTTP/1.1 408", response);
            Assert.Contains("\"code\":\"request_timeout\"", response);
            Assert.Contains("arrived too slowly", response);
        }
    }
}
