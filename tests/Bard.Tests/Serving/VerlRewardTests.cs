using System.Diagnostics;
using System.Text.Json;
using Bard.Data.Tasks;
using Bard.Serving;
using Bard.Text;

namespace Bard.Tests.Serving;

/// <summary>
/// <c>integrations/verl/bard_reward.py</c>, verl's custom reward function, run with the system's python3 against a running
/// reward server: what verl would call, and what it would get back.
/// </summary>
public sealed class VerlRewardTests
{
    static readonly ITokenizer Tokenizer = new EmbeddedTask(new EmbeddedTaskOptions()).CreateTokenizer();

    static string ScriptDir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "integrations", "verl", "bard_reward.py"))) return Path.Combine(d.FullName, "integrations", "verl");
        throw new InvalidOperationException("integrations/verl/bard_reward.py not found above " + AppContext.BaseDirectory);
    }

    static (int Code, string Out, string Err) Python(string code, string url)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(code);
        start.Environment["PYTHONPATH"] = ScriptDir();
        start.Environment["BARD_REWARD_URL"] = url;
        start.Environment["BARD_REWARD_TIMEOUT"] = "20";
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(); throw new TimeoutException("python3 did not finish in 60 s"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public async Task ComputeScore_AgainstRewardServe_ReturnsBardsRewardParts()
    {
        await using var server = await RewardServer.StartAsync(new BudgetRewardScorer(new RewardServeOptions(), Tokenizer), new RewardServeOptions { Port = 0 });
        // verl passes the decoded response only; the budget comes from extra_info (bard data build --export rl).
        const string code = """
            import json, bard_reward
            exact = bard_reward.compute_score("bard", "<think>\n" + "x" * 10 + "\n</think>\n\n\\boxed{5}<|im_end|>", "5", {"budget": 10})
            over = bard_reward.compute_score("bard", "<think>\n" + "x" * 12 + "\n</think>\n\n\\boxed{5}", "5", {"budget": 10})
            wrong = bard_reward.compute_score("bard", "<think>\n" + "x" * 10 + "\n</think>\n\n41", "42", {"budget": 10})
            print(json.dumps([exact, over, wrong]))
            """;
        var (exit, output, error) = Python(code, server.RewardUrl.ToString());
        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        var r = doc.RootElement;
        Assert.Equal(1.0, r[0].GetProperty("score").GetDouble(), 9);
        Assert.Equal(10, r[0].GetProperty("thinking_tokens").GetDouble());
        Assert.Equal(10, r[0].GetProperty("budget").GetDouble());
        Assert.Equal(0.6, r[1].GetProperty("score").GetDouble(), 9); // 20% over with tolerance 0.5: f = 1 − 0.2/0.5
        Assert.Equal(1.0, r[1].GetProperty("correctness").GetDouble());
        Assert.Equal(0.0, r[2].GetProperty("score").GetDouble());
        Assert.Equal(1.0, r[2].GetProperty("fidelity").GetDouble(), 9);
    }

    [Fact]
    public void ComputeScore_NoServer_RaisesAnErrorThatSaysHowToStartIt()
    {
        var (exit, _, error) = Python("import bard_reward; bard_reward.compute_score('bard', 'x', '5', {'budget': 8})", "http://127.0.0.1:9/get_reward");
        Assert.NotEqual(0, exit);
        Assert.Contains("not reachable", error);
        Assert.Contains("bard reward-serve", error);
    }
}
