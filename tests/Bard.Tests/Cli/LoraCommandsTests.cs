using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bard.Tests.Cli;

/// <summary>LoRA through the command line: sft and rl with --lora-*, --adapter on the commands that run a model, bard lora merge.</summary>
public class LoraCommandsTests
{
    static (int Code, string Out, string Err) Run(params string[] args) => CliRun.Run(args);

    static string Ok(params string[] args)
    {
        var (code, stdout, err) = Run(args);
        Assert.True(code == 0, $"bard {string.Join(" ", args)} → {code}: {err}");
        return stdout + err;
    }

    static double[] Score(params string[] args) =>
        JsonDocument.Parse(Run(["score", .. args, "--ids", "1,5,9,12,7,3"]).Out).RootElement.GetProperty("token_logprobs").EnumerateArray().Select(x => x.GetDouble()).ToArray();

    [Fact]
    public void SftWithLora_AdapterOnEveryCommand_MergeEqualsTheAdaptedModel_RlOnTheMergedStudent()
    {
        using var tmp = new TempDir();
        string P(string name) => tmp.File(name);
        Ok("data", "synth", "--count", "30", "--seed", "3", "--out", P("problems.jsonl"));
        Ok("teach", "--problems", P("problems.jsonl"), "--out", P("traces.jsonl"));
        Ok("compress", "--traces", P("traces.jsonl"), "--budgets", "8,16", "--out", P("samples.jsonl"));
        Ok("data", "build", "--samples", P("samples.jsonl"), "--problems", P("problems.jsonl"), "--out", P("built"));
        Ok("sft", "--train", P("built/train.jsonl"), "--problems", P("problems.jsonl"), "--out", P("base"),
            "--model-config", "micro", "--tokenizer", "embedded", "--max-steps", "4", "--batch-size", "8", "--seed", "1");

        string log = Ok("sft", "--train", P("built/train.jsonl"), "--problems", P("problems.jsonl"), "--init", P("base/final"), "--out", P("lora"),
            "--lora-r", "4", "--lora-alpha", "8", "--max-steps", "4", "--batch-size", "8", "--lr", "1e-2");
        Assert.Matches(@"LoRA r 4 \(alpha 8\) on all-linear: [\d,]+ trainable parameters \([\d.]+% of the model's [\d,]+\)", log);
        foreach (var f in new[] { "adapter_config.json", "adapter_model.safetensors", "tokenizer.json" })
            Assert.True(File.Exists(P("lora/final/" + f)), f);
        Assert.False(File.Exists(P("lora/final/model.safetensors")));
        var saved = JsonNode.Parse(File.ReadAllText(P("lora/config.json")))!["lora"]!;
        Assert.Equal(4, saved["r"]!.GetValue<int>());

        // Scored with the adapter, the merged checkpoint, and the base alone.
        var adapted = Score("--model", P("base/final"), "--adapter", P("lora/final"));
        var baseOnly = Score("--model", P("base/final"));
        Ok("lora", "merge", "--model", P("base/final"), "--adapter", P("lora/final"), "--out", P("merged"));
        Assert.True(File.Exists(P("merged/model.safetensors")) && File.Exists(P("merged/tokenizer.json")));
        var merged = Score("--model", P("merged"));
        Assert.True(adapted.Zip(baseOnly).Max(p => Math.Abs(p.First - p.Second)) > 1e-4, "the trained adapter should change the scores");
        for (int t = 0; t < adapted.Length; t++) Assert.True(Math.Abs(adapted[t] - merged[t]) < 1e-5, $"position {t}: adapter {adapted[t]:R} vs merged {merged[t]:R}");
        // Merging again into a folder that exists is refused: nothing is overwritten.
        Assert.Equal(2, Run("lora", "merge", "--model", P("base/final"), "--adapter", P("lora/final"), "--out", P("merged")).Code);

        Ok("generate", "--model", P("base/final"), "--adapter", P("lora/final"), "--ids", "1,5,9", "--max-new-tokens", "4");
        Ok("eval", "--model", P("base/final"), "--adapter", P("lora/final"), "--benchmark", "embedded", "--count", "4", "--budgets", "8",
            "--mode", "budget", "--out", P("eval"), "--max-new-tokens", "24");

        // RL on the LoRA SFT student: its adapter merged into the base, new RL adapters, the KL reference that merged model.
        File.WriteAllText(P("rl.json"), """{"group_size": 2, "prompts_per_step": 2, "max_completion_tokens": 24, "budget_sampling": "list", "budgets": [8], "beta": 0.05}""");
        string rl = Ok("rl", "--prompts", P("problems.jsonl"), "--init", P("base/final"), "--adapter", P("lora/final"), "--lora-r", "4",
            "--out", P("rl"), "--config", P("rl.json"), "--max-steps", "2");
        Assert.Contains("merged the LoRA adapters", rl);
        Assert.Contains("KL reference is the model with the adapters off", rl);
        Assert.True(File.Exists(P("rl/final/adapter_model.safetensors")));
        // The RL adapters belong to the merged SFT student, written once to rl/base and named in their adapter_config.json.
        Assert.Equal(Path.GetFullPath(P("rl/base")), JsonNode.Parse(File.ReadAllText(P("rl/final/adapter_config.json")))!["base_model_name_or_path"]!.GetValue<string>());
        var mergedStudent = Score("--model", P("rl/base"));
        for (int t = 0; t < merged.Length; t++) Assert.True(Math.Abs(merged[t] - mergedStudent[t]) < 1e-5, $"rl/base is the merged SFT student: position {t}");
        Score("--model", P("rl/base"), "--adapter", P("rl/final"));
    }

    [Fact]
    public void Help_DescribesTheLoraOptions()
    {
        foreach (var command in new[] { "sft", "rl" })
        {
            var (code, stdout, _) = Run(command, "--help");
            Assert.Equal(0, code);
            foreach (var option in new[] { "--lora-r", "--lora-alpha", "--lora-dropout", "--lora-targets", "--lora-rslora", "--adapter" }) Assert.Contains(option, stdout);
        }
        foreach (var command in new[] { "eval", "generate", "score", "serve" })
            Assert.Contains("--adapter", Run(command, "--help").Out);
        Assert.Contains("lora merge", Run("--help").Out);
        var merge = Run("lora", "merge", "--help");
        Assert.Equal(0, merge.Code);
        foreach (var option in new[] { "--model", "--adapter", "--out", "--dtype" }) Assert.Contains(option, merge.Out);
    }

    [Theory]
    [InlineData("--lora-r", "0", "r must be a positive integer")]
    [InlineData("--lora-targets", "c_attn", "c_attn")]
    [InlineData("--lora-dropout", "1.5", "dropout must be in [0, 1)")]
    public void Sft_BadLoraOption_NamesIt(string option, string value, string expected)
    {
        using var tmp = new TempDir();
        var (code, _, err) = Run("sft", "--train", tmp.File("x.jsonl"), "--out", tmp.File("o"), "--model-config", "micro", "--tokenizer", "embedded", option, value);
        Assert.NotEqual(0, code);
        Assert.Contains(expected, err);
    }
}
