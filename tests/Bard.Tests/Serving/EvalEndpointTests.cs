using System.Text.Json;
using Bard.Tests.Cli;

namespace Bard.Tests.Serving;

/// <summary>`bard eval --endpoint` against `bard serve`'s server hosting a tiny model, over loopback HTTP.</summary>
public sealed class EvalEndpointTests(TinyChatModel tiny) : IClassFixture<TinyChatModel>
{
    [Theory]
    [InlineData("budget", "bard")]
    [InlineData("truncate", "truncation")]
    [InlineData("none", "agnostic")]
    public async Task Eval_ServedModel_WritesSummaryForEveryBudget(string mode, string method)
    {
        await using var server = await tiny.StartAsync();
        using var tmp = new TempDir();
        var (code, stdout, stderr) = CliRun.Run("eval", "--endpoint", server.BaseUrl.ToString(), "--model", "tiny", "--tokenizer", tiny.Path,
            "--benchmark", "embedded", "--count", "4", "--budgets", "4,8", "--mode", mode, "--max-new-tokens", "24", "--out", tmp.Path);
        Assert.True(code == 0, stderr);
        Assert.Equal(Path.GetFullPath(tmp.File("summary.json")), stdout.Trim());
        using var doc = JsonDocument.Parse(File.ReadAllText(tmp.File("summary.json")));
        var rows = doc.RootElement.GetProperty("methods").GetProperty(method).GetProperty("per_budget");
        Assert.Equal(mode == "none" ? 1 : 2, rows.GetArrayLength());
        foreach (var row in rows.EnumerateArray())
        {
            Assert.Equal(4, row.GetProperty("n").GetInt32());
            // Forced budgets hold: the server closes the thinking at b.
            if (mode == "truncate") Assert.True(row.GetProperty("mean_thinking_tokens").GetDouble() <= row.GetProperty("budget").GetInt32(), row.ToString());
        }
    }
}
