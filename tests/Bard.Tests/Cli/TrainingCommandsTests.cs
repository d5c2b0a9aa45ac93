using System.Text.Json;
using System.Text.Json.Nodes;
using Bard.Cli;

namespace Bard.Tests.Cli;

/// <summary>The training and evaluation commands end to end on a few embedded-task problems and a tiny student.</summary>
public class TrainingCommandsTests
{
    static (int Code, string Out, string Err) Run(params string[] args) => CliRun.Run(args);

    static void Ok(params string[] args)
    {
        var (code, _, err) = Run(args);
        Assert.True(code == 0, $"bard {string.Join(" ", args)} → {code}: {err}");
    }

    [Fact]
    public void SynthTeachCompressBuild_SftRlEval_ProduceCheckpointsAndSummary()
    {
        using var tmp = new TempDir();
        string P(string name) => tmp.File(name);
        Ok("data", "synth", "--count", "40", "--seed", "3", "--out", P("problems.jsonl"));
        Ok("teach", "--problems", P("problems.jsonl"), "--out", P("traces.jsonl"));
        Ok("compress", "--traces", P("traces.jsonl"), "--budgets", "8,16,32", "--out", P("samples.jsonl"));
        Ok("data", "build", "--samples", P("samples.jsonl"), "--problems", P("problems.jsonl"), "--out", P("built"), "--export", "chat");

        // SFT from scratch on the chat export, with the task's own tokenizer and a validation file.
        var (code, stdout, err) = Run("sft", "--train", P("built/chat/train.jsonl"), "--val", P("built/chat/validation.jsonl"), "--out", P("sft"),
            "--model-config", "micro", "--tokenizer", "embedded", "--max-steps", "6", "--batch-size", "8", "--seed", "1");
        Assert.True(code == 0, err);
        Assert.Equal(Path.GetFullPath(P("sft/final")), stdout.Trim());
        foreach (var f in new[] { "sft/final/model.safetensors", "sft/final/tokenizer.json", "sft/final/tokenizer_config.json", "sft/config.json", "sft/metrics.jsonl" })
            Assert.True(File.Exists(P(f)), f);
        Assert.Equal(6, JsonNode.Parse(File.ReadAllText(P("sft/config.json")))!["max_steps"]!.GetValue<int>());

        // Budgeted samples + problems train too (continuing from the checkpoint).
        Ok("sft", "--train", P("built/train.jsonl"), "--problems", P("problems.jsonl"), "--init", P("sft/final"), "--out", P("sft2"), "--max-steps", "2");

        // RL: two steps from the SFT student.
        File.WriteAllText(P("rl.json"), """{"group_size": 2, "prompts_per_step": 2, "max_completion_tokens": 48, "budget_sampling": "list", "budgets": [8, 16], "learning_rate": 1e-4}""");
        Ok("rl", "--prompts", P("problems.jsonl"), "--init", P("sft/final"), "--out", P("rl"), "--config", P("rl.json"), "--max-steps", "2");
        Assert.Equal(2, File.ReadAllLines(P("rl/metrics.jsonl")).Length);

        // Eval in all three modes.
        foreach (var mode in new[] { "budget", "truncate", "none" })
            Ok("eval", "--model", P("rl/final"), "--benchmark", "embedded", "--count", "6", "--budgets", "8,16", "--mode", mode, "--out", P($"eval-{mode}"), "--max-new-tokens", "40");
        using var summary = JsonDocument.Parse(File.ReadAllText(P("eval-truncate/summary.json")));
        var perBudget = summary.RootElement.GetProperty("methods").GetProperty("truncation").GetProperty("per_budget");
        Assert.Equal(2, perBudget.GetArrayLength());
        Assert.Equal(6, perBudget[0].GetProperty("n").GetInt32());
        // Budget forcing keeps thinking within the budget (the forced close comes at b tokens).
        foreach (var row in perBudget.EnumerateArray())
            Assert.True(row.GetProperty("mean_thinking_tokens").GetDouble() <= row.GetProperty("budget").GetInt32(), row.ToString());
        Assert.True(File.Exists(P("eval-budget/report.md")));
    }

    [Theory]
    [InlineData("sft", "--train", "x.jsonl", "--out", "o")]                                     // neither --init nor --model-config
    [InlineData("sft", "--train", "x.jsonl", "--out", "o", "--init", "a", "--model-config", "micro")]
    [InlineData("eval", "--model", "m", "--mode", "sideways")]
    [InlineData("rl", "--prompts", "p", "--init", "i", "--out", "o", "--answer-kind", "vibes")]
    public void BadUsage_ExitsWithTwo(params string[] args)
    {
        var (code, stdout, stderr) = Run(args);
        Assert.True(code is 1 or 2, $"exit {code}: {stderr}");
        Assert.Equal("", stdout);
        Assert.NotEqual("", stderr.Trim());
    }

    [Fact]
    public void Sft_InitWithATokenizerLargerThanTheModelsVocab_IsRefusedNamingBothSizes()
    {
        // The embedded task's tokenizer on a model built for 20 fewer ids: the first id past the embedding used to be a
        // native index error in the middle of training.
        using var tmp = new TempDir();
        var task = new Bard.Data.Tasks.EmbeddedTask(new Bard.Data.Tasks.EmbeddedTaskOptions());
        task.SaveTokenizer(tmp.File("tok"));
        int ids = task.CreateTokenizer().VocabSize;
        using (var model = new Bard.Model.CausalLM(Bard.Model.ModelPresets.Create("micro", ids - 20)))
            Bard.Model.Checkpoint.Save(model, tmp.File("init"), tokenizerDir: tmp.File("tok"));
        File.WriteAllText(tmp.File("train.jsonl"), "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"<think>\\nx\\n</think>\\n\\nHello\"}]}\n");
        var (code, _, err) = Run("sft", "--train", tmp.File("train.jsonl"), "--init", tmp.File("init"), "--out", tmp.File("out"), "--max-steps", "1");
        Assert.True(code == 1, $"exit {code}: {err}");
        Assert.Contains($"the tokenizer in {tmp.File("init")} has {ids} ids (its largest id + 1), more than the model's vocab_size {ids - 20} ({Path.Combine(tmp.File("init"), "config.json")})", err);
        Assert.Contains("Fix:", err);
        Assert.False(Directory.Exists(tmp.File("out")));
    }
}
