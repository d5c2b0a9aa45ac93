using System.Text.Json;
using System.Text.RegularExpressions;
using Bard.Cli;
using Bard.Data;

namespace Bard.Tests.Serving;

/// <summary>
/// <c>bard teach</c> and <c>bard compress</c> with <c>--endpoint</c>: against a fault-injecting server and against
/// <c>bard serve</c>; every run completes or stops with a clear error, and a re-run resumes without duplicates or losses.
/// </summary>
public sealed class LlmDataCommandsTests(TinyChatModel tiny) : IClassFixture<TinyChatModel>
{
    static (int Code, string Out, string Err) Bard(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    static IReadOnlyList<Problem> Synth(string path, int count)
    {
        Assert.Equal(0, Bard("data", "synth", "--count", count.ToString(), "--seed", "3", "--out", path).Code);
        return JsonlReader.Read(path, ProblemFormat.Instance).Records;
    }

    static string LastUser(JsonElement request) =>
        request.GetProperty("messages").EnumerateArray().Last(m => m.GetProperty("role").GetString() == "user").GetProperty("content").GetString()!;

    /// <summary>A fake teacher that thinks and boxes the gold answer, except for <paramref name="wrongId"/>, which it always gets wrong.</summary>
    static Func<JsonElement, (string, string)> Teacher(IReadOnlyList<Problem> problems, string wrongId) => request =>
    {
        string content = LastUser(request);
        var p = problems.First(x => content.StartsWith(x.Question + "\n\n", StringComparison.Ordinal));
        string answer = p.Id == wrongId ? p.Answer + "1" : p.Answer;
        return ($"Let me work on {p.Id} step by step.", $"The answer is \\boxed{{{answer}}}.");
    };

    // A timeout no loopback answer comes near, however slow the machine: these tests are of the commands' retries and
    // resume; the timeout itself is tested on a fake clock (ChatEndpointTests), so no fault here waits for it.
    static string[] Common(Uri url) => ["--endpoint", url.ToString(), "--model", "fake", "--timeout-s", "600", "--backoff-s", "0.01", "--api-key-env", "BARD_TEST_UNSET_KEY"];

    [Fact]
    public async Task Teach_FaultInjectingEndpoint_CompletesKeepingOnlyCorrectTraces_ReRunAddsNothing()
    {
        using var dir = new TempDir();
        var problems = Synth(dir.File("p.jsonl"), 6);
        string wrong = problems[2].Id, traces = dir.File("t.jsonl");
        await using var server = await FaultServer.StartAsync(
            [Fault.RateLimited, Fault.ServerError, Fault.ServerError, Fault.MalformedJson, Fault.CutStream], Teacher(problems, wrong));
        var run = Bard(["teach", "--problems", dir.File("p.jsonl"), "--out", traces, "--samples", "2", "--concurrency", "2", .. Common(server.BaseUrl)]);
        Assert.True(run.Code == 0, run.Err);
        Assert.Contains("wrote 5 verified traces", run.Out);
        Assert.Contains("1 problems without a correct sample", run.Out);
        Assert.Contains($"no trace for {wrong}", run.Err);
        var written = JsonlReader.Read(traces, TeacherTraceFormat.Instance).Records;
        Assert.Equal(problems.Select(p => p.Id).Where(id => id != wrong).Order(), written.Select(t => t.ProblemId).Order());
        Assert.All(written, t => Assert.True(t.Correct == true && t.Thinking.StartsWith("Let me work on") && t.Teacher == "fake"));
        Assert.All(written, t => Assert.Equal(problems.Single(p => p.Id == t.ProblemId).Answer, t.Answer));

        int requests = server.Bodies.Count;
        var again = Bard(["teach", "--problems", dir.File("p.jsonl"), "--out", traces, "--samples", "2", .. Common(server.BaseUrl)]);
        Assert.Equal(0, again.Code);
        Assert.Contains("wrote 0 verified traces (5 already there)", again.Out);
        Assert.Equal(requests + 2, server.Bodies.Count); // only the unsolved problem is asked again, twice
        Assert.Equal(5, File.ReadAllLines(traces).Length);
    }

    [Fact]
    public async Task Teach_EndpointKeepsFailing_StopsWithClearError_ReRunResumesWithoutDuplicatesOrLosses()
    {
        using var dir = new TempDir();
        var problems = Synth(dir.File("p.jsonl"), 6);
        string traces = dir.File("t.jsonl");
        await using (var failing = await FaultServer.StartAsync(
            [Fault.None, Fault.None, Fault.ServerError, Fault.ServerError, Fault.ServerError, Fault.ServerError, Fault.ServerError, Fault.ServerError], Teacher(problems, "none")))
        {
            var run = Bard(["teach", "--problems", dir.File("p.jsonl"), "--out", traces, "--concurrency", "1", "--max-attempts", "2", .. Common(failing.BaseUrl)]);
            Assert.Equal(1, run.Code);
            Assert.Contains("failed 2 tries", run.Err);
            Assert.Contains("boom", run.Err);
            Assert.Contains("re-run the same command to resume", run.Err);
            Assert.Equal(2, File.ReadAllLines(traces).Length);
        }
        await using var healthy = await FaultServer.StartAsync([], Teacher(problems, "none"));
        var resumed = Bard(["teach", "--problems", dir.File("p.jsonl"), "--out", traces, .. Common(healthy.BaseUrl)]);
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Contains("wrote 4 verified traces (2 already there)", resumed.Out);
        Assert.Equal(4, healthy.Bodies.Count);
        var ids = JsonlReader.Read(traces, TeacherTraceFormat.Instance).Records.Select(t => t.ProblemId).ToList();
        Assert.Equal(problems.Select(p => p.Id).Order(), ids.Order());
    }

    [Fact]
    public async Task Teach_Refusal_StopsAtOnceNamingTheStatus()
    {
        using var dir = new TempDir();
        var problems = Synth(dir.File("p.jsonl"), 2);
        await using var server = await FaultServer.StartAsync([Fault.Unauthorized, Fault.Unauthorized], Teacher(problems, "none"));
        var run = Bard(["teach", "--problems", dir.File("p.jsonl"), "--out", dir.File("t.jsonl"), "--concurrency", "1", .. Common(server.BaseUrl)]);
        Assert.Equal(1, run.Code);
        Assert.Contains("refused the request with 401: bad key", run.Err);
        Assert.Single(server.Bodies);
    }

    /// <summary>A fake compressor: budget 7 is always missed (100 characters); others come out twice too long, then exact after feedback.</summary>
    static (string, string) Compressor(JsonElement request)
    {
        int budget = int.Parse(Regex.Match(LastUser(request), @"about (\d+) tokens").Groups[1].Value);
        int tries = (request.GetProperty("messages").GetArrayLength() + 1) / 2;
        int length = budget == 7 ? 100 : tries == 1 ? 2 * budget : budget;
        return ("", new string('x', length));
    }

    [Fact]
    public async Task Compress_FaultInjectingStreamingEndpoint_RetriesWithFeedback_RecordsGiveUps_ReRunAddsNothing()
    {
        using var dir = new TempDir();
        Synth(dir.File("p.jsonl"), 3);
        Assert.Equal(0, Bard("teach", "--problems", dir.File("p.jsonl"), "--out", dir.File("t.jsonl")).Code);
        string samples = dir.File("s.jsonl");
        await using var server = await FaultServer.StartAsync([Fault.RateLimited, Fault.CutStream, Fault.MalformedJson, Fault.ServerError], Compressor);
        string[] args = ["compress", "--traces", dir.File("t.jsonl"), "--budgets", "7,20,40", "--out", samples, "--max-tries", "3", "--stream", .. Common(server.BaseUrl)];
        var run = Bard(args);
        Assert.True(run.Code == 0, run.Err);
        Assert.Contains("wrote 9 samples (0 already there) with llm:fake: 6 accepted, 3 outside the tolerance", run.Out);
        var written = JsonlReader.Read(samples, BudgetedSampleFormat.Instance).Records;
        Assert.All(written.Where(s => s.Budget != 7), s => Assert.True(s.Accepted && s.ThinkingTokens == s.Budget));
        Assert.All(written.Where(s => s.Budget == 7), s => Assert.False(s.Accepted));
        var log = File.ReadAllLines(samples + ".rejected.jsonl").Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, log.Count);
        Assert.All(log, l => Assert.Equal([100, 100, 100], l.GetProperty("lengths").EnumerateArray().Select(x => x.GetInt32()).ToArray()));
        // The retry told the compressor what it produced and the target.
        Assert.Contains(server.Bodies, b => b.Contains("That version is 40 tokens long; the target is 20 tokens"));

        int requests = server.Bodies.Count;
        var again = Bard(args);
        Assert.Equal(0, again.Code);
        Assert.Contains("wrote 0 samples (9 already there)", again.Out);
        Assert.Equal(requests, server.Bodies.Count);
    }

    [Fact]
    public async Task TeachAndCompress_AgainstBardServe_CompleteOverRealLoopback()
    {
        using var dir = new TempDir();
        Synth(dir.File("p.jsonl"), 2);
        await using var server = await tiny.StartAsync();
        string[] common = ["--endpoint", server.BaseUrl.ToString(), "--model", "tiny", "--api-key-env", "BARD_TEST_UNSET_KEY"];
        var teach = Bard(["teach", "--problems", dir.File("p.jsonl"), "--out", dir.File("llm-t.jsonl"), "--samples", "1", "--max-tokens", "8", .. common]);
        Assert.True(teach.Code == 0, teach.Err);
        Assert.Contains("2 requests, 0 retries", teach.Out); // a random model solves nothing, but every request was answered

        Assert.Equal(0, Bard("teach", "--problems", dir.File("p.jsonl"), "--out", dir.File("t.jsonl")).Code);
        var compress = Bard(["compress", "--traces", dir.File("t.jsonl"), "--budgets", "4", "--out", dir.File("s.jsonl"), "--max-tries", "1", "--max-tokens", "16", .. common]);
        Assert.True(compress.Code == 0, compress.Err);
        Assert.Equal(2, File.ReadAllLines(dir.File("s.jsonl")).Length);
        Assert.Contains("2 requests, 0 retries", compress.Out);
    }
}
