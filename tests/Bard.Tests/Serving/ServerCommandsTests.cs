using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Bard.Cli;

namespace Bard.Tests.Serving;

/// <summary>The server commands as a user runs them: a real <c>bard</c> process, real signals.</summary>
public sealed class ServerCommandsTests(TinyChatModel tiny) : IClassFixture<TinyChatModel>
{
    /// <summary>Starts <c>bard ARGS</c> and waits (bounded) for the line that names its URL.</summary>
    static (Process Process, Uri Url) Start(params string[] args)
    {
        // Through `env --default-signal=INT` (which execs, keeping the pid): a test host started in the background by a
        // non-interactive shell has SIGINT ignored, children inherit that, and .NET then (rightly) never handles SIGINT,
        // so the Ctrl-C test would depend on how the suite was launched.
        var info = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("--default-signal=INT");
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "bard.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        var line = process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult()
            ?? throw new Exception("bard exited early: " + process.StandardError.ReadToEnd());
        var url = line.Split(' ').First(w => w.StartsWith("http://", StringComparison.Ordinal));
        return (process, new Uri(url.TrimEnd(';', ',', ')')));
    }

    static string Signal(Process p, string signal)
    {
        Process.Start("kill", ["-" + signal, p.Id.ToString()])!.WaitForExit();
        Assert.True(p.WaitForExit(15_000), "the server did not stop within 15 s");
        return p.StandardOutput.ReadToEnd();
    }

    [Fact]
    public async Task Serve_Process_AnswersThenStopsCleanlyOnSigterm()
    {
        var (process, url) = Start("serve", "--model", tiny.Path, "--port", "0", "--served-model-name", "tiny");
        try
        {
            using var http = new HttpClient();
            var models = await http.GetFromJsonAsync<JsonElement>(url + "/models");
            Assert.Equal("tiny", models.GetProperty("data")[0].GetProperty("id").GetString());
            var reply = await http.PostAsync(url + "/chat/completions", JsonContent.Create(new { model = "tiny", messages = new[] { new { role = "user", content = "hi" } }, max_tokens = 4 }));
            Assert.True(reply.IsSuccessStatusCode);
            string rest = Signal(process, "TERM");
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("stopped after 1 batches", rest);
        }
        finally { if (!process.HasExited) process.Kill(); }
    }

    [Fact]
    public async Task RewardServe_Process_AnswersThenStopsCleanlyOnSigint()
    {
        var (process, url) = Start("reward-serve", "--port", "0");
        try
        {
            using var http = new HttpClient();
            var reply = await http.PostAsync(url, JsonContent.Create(new { query = new[] { "x" }, prompts = new[] { "x" } }));
            Assert.Equal(400, (int)reply.StatusCode);
            Assert.Contains("labels", await reply.Content.ReadAsStringAsync());
            Signal(process, "INT");
            Assert.Equal(0, process.ExitCode);
        }
        finally { if (!process.HasExited) process.Kill(); }
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("reward-serve")]
    [InlineData("teach")]
    [InlineData("compress")]
    public void Help_ListsEveryOptionWithItsDefault(string command)
    {
        var stdout = new StringWriter();
        Assert.Equal(0, Program.Run([command, "--help"], stdout, new StringWriter()));
        foreach (var o in Program.Commands.Single(c => c.Name == command).Options)
        {
            Assert.Contains(o.Name, stdout.ToString());
            if (o.Default is not null) Assert.Contains($"(default: {o.Default})", stdout.ToString());
        }
    }

    [Fact]
    public void Serve_BadOptions_AreUsageErrorsNamingTheOption()
    {
        var stderr = new StringWriter();
        Assert.Equal(1, Program.Run(["serve", "--model", tiny.Path, "--max-batch", "0"], new StringWriter(), stderr));
        Assert.Contains("MaxBatchRows", stderr.ToString());
        foreach (var (flag, value, named) in new[] { ("--budget-enforcement", "always", "--budget-enforcement"), ("--effort-budgets", "low=1,high", "'high'"),
            ("--request-timeout", "0", "--request-timeout must be a positive number of seconds"), ("--request-timeout", "1e12", "about 49 days") })
        {
            stderr = new StringWriter();
            Assert.NotEqual(0, Program.Run(["serve", "--model", tiny.Path, flag, value], new StringWriter(), stderr));
            Assert.Contains(named, stderr.ToString());
        }
        foreach (var (flag, value, named) in new[] { ("--request-timeout", "-5", "--request-timeout must be a positive number of seconds"), ("--max-body-bytes", "10", "MaxBodyBytes must be ≥ 1024") })
        {
            stderr = new StringWriter();
            Assert.NotEqual(0, Program.Run(["reward-serve", "--port", "0", flag, value], new StringWriter(), stderr));
            Assert.Contains(named, stderr.ToString());
        }
        stderr = new StringWriter();
        Assert.Equal(2, Program.Run(["teach", "--problems", "p", "--out", "o", "--endpoint", "http://127.0.0.1:1/v1"], new StringWriter(), stderr));
        Assert.Contains("--model", stderr.ToString());
    }
}
