using System.Text.Json;
using Bard.Cli;
using Bard.Demo;
using Bard.Eval;

namespace Bard.Tests.Cli;

public class DemoCommandTests
{
    [Trait("Category", "Slow")] // see README: the fast loop leaves it out
    [Fact]
    public void DemoQuick_WritesReportPlotsAndSummaryWithEveryMethod()
    {
        using var tmp = new TempDir();
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(["demo", "--quick", "--out", tmp.Path], o, e);
        Assert.True(code == 0, e.ToString());
        Assert.Equal(Path.GetFullPath(tmp.File("report.md")), o.ToString().Trim());
        foreach (var f in new[] { "report.md", "summary.json", "accuracy_vs_budget.png", "thinking_vs_budget.png", "length_ratio.png",
                     "accuracy_vs_thinking.png", "rl_curves.png", "demo.json", "eval/samples.jsonl", "tokenizer/tokenizer.json", "models/bard/final/model.safetensors" })
            Assert.True(File.Exists(tmp.File(f)), f);
        // Every training run inside the demo writes TensorBoard events.
        foreach (var run in new[] { "agnostic", "bard_sft", "bard", "bard_additive", "bard_rl_only" })
        {
            string events = tmp.File($"models/{run}/tensorboard");
            Assert.True(Directory.Exists(events) && Directory.GetFiles(events, "*tfevents*", SearchOption.AllDirectories).Length > 0, $"{run}: no TensorBoard events");
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(tmp.File("summary.json")));
        var root = doc.RootElement;
        Assert.Equal("embedded", root.GetProperty("task").GetString());
        var budgets = root.GetProperty("budgets").EnumerateArray().Select(b => b.GetInt32()).ToArray();
        Assert.NotEmpty(budgets);
        Assert.True(root.GetProperty("seconds").GetDouble() > 0);
        var methods = root.GetProperty("methods");
        foreach (var method in EvalMethods.Known)
        {
            var rows = methods.GetProperty(method).GetProperty("per_budget");
            Assert.Equal(budgets, rows.EnumerateArray().Select(r => r.GetProperty("budget").GetInt32()));
            foreach (var row in rows.EnumerateArray())
            {
                foreach (var key in new[] { "accuracy", "mean_thinking_tokens", "mean_abs_rel_dev", "mean_signed_rel_dev", "rmse_rel_dev", "over_budget_rate" })
                    Assert.True(row.GetProperty(key).ValueKind == JsonValueKind.Number, $"{method}: {key}");
                Assert.True(row.GetProperty("n").GetInt32() > 0, method);
            }
        }

        // The claims of the method, judged from this run, in summary.json and in the report.
        var claims = root.GetProperty("claims").EnumerateArray().ToList();
        Assert.Equal(6, claims.Count);
        foreach (var c in claims)
        {
            Assert.False(string.IsNullOrEmpty(c.GetProperty("claim").GetString()));
            Assert.True(c.GetProperty("holds").ValueKind is JsonValueKind.True or JsonValueKind.False);
            Assert.False(string.IsNullOrEmpty(c.GetProperty("evidence").GetString()));
        }
        string report = File.ReadAllText(tmp.File("report.md"));
        Assert.Contains("## What reproduced", report);
        Assert.Contains("## Time by stage", report);
        Assert.Contains("rl_curves.png", report);
        // Where each stage's time went: SFT by phase, RL by phase, evaluation by method.
        var timeRows = report[report.IndexOf("## Time by stage", StringComparison.Ordinal)..].Split('\n');
        string Row(string stage) => timeRows.Single(l => l.StartsWith($"| {stage} |", StringComparison.Ordinal));
        Assert.Matches(@"forward \d+%, backward \d+%, optimizer \d+%.* of \d+ s in steps", Row("sft agnostic"));
        Assert.Matches(@"rollout \d+%.*update \d+%.* of \d+ s in steps", Row("rl bard"));
        Assert.Matches(@"agnostic \d+ s, truncation \d+ s, bard_sft \d+ s", Row("evaluate"));

        // Re-running reuses every finished stage.
        var again = new StringWriter();
        Assert.Equal(0, Program.Run(["demo", "--quick", "--out", tmp.Path], new StringWriter(), again));
        Assert.Contains("reusing", again.ToString());
    }

    [Fact]
    public void Config_DemoJsonRoundTrips_AndBadKeysOrQuickTogetherAreRefused()
    {
        using var tmp = new TempDir();
        // An earlier run's demo.json is a valid --config: it reads back to the same options.
        string text = ConfigJson.Serialize(DemoOptions.Quick);
        File.WriteAllText(tmp.File("demo.json"), text);
        Assert.Equal(text, ConfigJson.Serialize(ConfigJson.Load<DemoOptions>(tmp.File("demo.json"))));

        File.WriteAllText(tmp.File("bad.json"), "{\"train_problem\": 10}");
        var e = new StringWriter();
        Assert.NotEqual(0, Program.Run(["demo", "--config", tmp.File("bad.json"), "--out", tmp.File("out")], new StringWriter(), e));
        Assert.Contains("train_problem", e.ToString());
        e = new StringWriter();
        Assert.NotEqual(0, Program.Run(["demo", "--quick", "--config", tmp.File("demo.json"), "--out", tmp.File("out")], new StringWriter(), e));
        Assert.Contains("--quick and --config", e.ToString());
    }
}
