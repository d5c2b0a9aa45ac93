using System.Text.Json;
using Bard.Eval;

namespace Bard.Tests.Eval;

public class EvalSummaryJsonTests
{
    internal static IReadOnlyList<EvalSample> Samples() =>
    [
        new("bard", 128, "p1", true, 100, true, 20, "18", false),
        new("bard", 128, "p2", false, 200, false, 5, null, true),
        new("bard", 256, "p1", true, 250, true, 20, "18", false),
        new("bard", 256, "p2", true, 260, true, 20, "3", false),
        new("agnostic", null, "p1", true, 900, true, 30, "18", false),
        new("agnostic", null, "p2", false, 1200, true, 30, "4", false),
        new("truncation", 128, "p1", false, 128, false, 10, "7", true),
        new("truncation", 128, "p2", true, 128, false, 10, "3", true),
    ];

    static EvalSummary Summary() => EvalSummary.FromSamples("gsm8k", [128, 256], 12.25, Samples());

    [Fact]
    public void FromSamples_MethodsInReportOrderAndRowsPerBudget()
    {
        var s = Summary();
        Assert.Equal(["agnostic", "truncation", "bard"], s.Methods.Select(m => m.Method));
        Assert.Equal([128, 256], s.Method("bard")!.PerBudget.Select(r => r.Budget));
        Assert.Equal([(int?)null], s.Method("agnostic")!.PerBudget.Select(r => r.Budget));
        Assert.Equal(0.5, s.Method("bard")!.PerBudget[0].Accuracy);
        // b = 128, L = 100, 200: |L−b|/b = 28/128, 72/128 → mean 50/128.
        Assert.Equal(50 / 128.0, s.Method("bard")!.PerBudget[0].MeanAbsRelDev!.Value, 12);
    }

    [Fact]
    public void ToJson_HasRequiredSnakeCaseKeys()
    {
        using var doc = JsonDocument.Parse(EvalSummaryJson.ToJson(Summary()));
        var root = doc.RootElement;
        Assert.Equal("gsm8k", root.GetProperty("task").GetString());
        Assert.Equal([128, 256], root.GetProperty("budgets").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(12.25, root.GetProperty("seconds").GetDouble());
        var methods = root.GetProperty("methods");
        Assert.Equal(["agnostic", "truncation", "bard"], methods.EnumerateObject().Select(p => p.Name));
        var row = methods.GetProperty("bard").GetProperty("per_budget")[1];
        string[] required = ["budget", "accuracy", "mean_thinking_tokens", "mean_abs_rel_dev", "over_budget_rate", "n",
            "accuracy_ci_low", "accuracy_ci_high", "median_thinking_tokens"];
        foreach (var key in required) Assert.True(row.TryGetProperty(key, out _), $"per_budget row lacks '{key}'");
        Assert.Equal(256, row.GetProperty("budget").GetInt32());
        Assert.Equal(2, row.GetProperty("n").GetInt32());
        Assert.Equal(1.0, row.GetProperty("accuracy").GetDouble());
        Assert.Equal(255.0, row.GetProperty("mean_thinking_tokens").GetDouble());
        Assert.Equal(0.5, row.GetProperty("over_budget_rate").GetDouble());
        // every key at every level is snake_case
        foreach (var name in AllKeys(root).Where(k => !new[] { "agnostic", "truncation", "bard" }.Contains(k)))
            Assert.Matches("^[a-z][a-z0-9]*(_[a-z0-9]+)*$", name);
    }

    [Fact]
    public void ToJson_NoBudgetRow_BudgetAndBudgetMetricsAreNull()
    {
        using var doc = JsonDocument.Parse(EvalSummaryJson.ToJson(Summary()));
        var row = doc.RootElement.GetProperty("methods").GetProperty("agnostic").GetProperty("per_budget")[0];
        Assert.Equal(JsonValueKind.Null, row.GetProperty("budget").ValueKind);
        Assert.Equal(JsonValueKind.Null, row.GetProperty("mean_abs_rel_dev").ValueKind);
        Assert.Equal(JsonValueKind.Null, row.GetProperty("over_budget_rate").ValueKind);
        Assert.Equal(1050.0, row.GetProperty("mean_thinking_tokens").GetDouble());
    }

    [Fact]
    public void ReadAfterWrite_RoundTrips()
    {
        using var dir = new TempDir();
        var s = EvalSummary.FromSamples("math500", [128, 256], 3.5, Samples(), new Dictionary<string, string> { ["p1"] = "level 2" });
        EvalSummaryJson.Write(dir.File("summary.json"), s);
        var back = EvalSummaryJson.Read(dir.File("summary.json"));
        Assert.Equal(s.Task, back.Task);
        Assert.Equal(s.Budgets, back.Budgets);
        Assert.Equal(s.Seconds, back.Seconds);
        Assert.Equal(s.Methods.Select(m => m.Method), back.Methods.Select(m => m.Method));
        for (int i = 0; i < s.Methods.Count; i++)
            for (int j = 0; j < s.Methods[i].PerBudget.Count; j++)
            {
                var (a, b) = (s.Methods[i].PerBudget[j], back.Methods[i].PerBudget[j]);
                Assert.Equal(a with { PerDifficulty = [] }, b with { PerDifficulty = [] });
                Assert.Equal(a.PerDifficulty, b.PerDifficulty);
            }
    }

    [Theory]
    [InlineData("""{"budgets":[1],"seconds":1,"methods":{}}""", "'$.task' is missing")]
    [InlineData("""{"task":"t","budgets":[1],"seconds":1,"methods":{"bard":{"per_budget":[{"budget":1,"n":1,"accuracy":1,"mean_thinking_tokens":1,"mean_abs_rel_dev":0}]}}}""", "'$.methods.bard.per_budget[0].over_budget_rate' is missing")]
    [InlineData("""{"task":"t","budgets":["x"],"seconds":1,"methods":{}}""", "'$.budgets[0]' must be an integer")]
    [InlineData("""not json""", "not valid JSON")]
    [InlineData("""{"task":"t","budgets":[1],"seconds":1,"methods":{},"claims":[{"claim":"c","holds":"yes","evidence":"e"}]}""", "'$.claims[0].holds' must be true or false")]
    [InlineData("""{"task":"t","budgets":[1],"seconds":1,"methods":{},"claims":[{"claim":"c","holds":true}]}""", "'$.claims[0].evidence' is missing")]
    public void Parse_BadFile_NamesFileAndField(string text, string expected)
    {
        var e = Assert.Throws<BardException>(() => EvalSummaryJson.Parse(text, "run/summary.json"));
        Assert.Contains("run/summary.json", e.Message);
        Assert.Contains(expected, e.Message);
    }

    static IEnumerable<string> AllKeys(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().SelectMany(p => AllKeys(p.Value).Prepend(p.Name)),
        JsonValueKind.Array => e.EnumerateArray().SelectMany(AllKeys),
        _ => [],
    };
}
