using Bard.Data;
using Bard.Eval;
using Bard.Model;
using Bard.Rl;
using Bard.Text;
using Bard.Training;

namespace Bard.Cli;

/// <summary>`bard rl`: BARD's phase two, RL with the correctness × budget-fidelity reward.</summary>
public sealed class RlCommand : CliCommand
{
    public override string Name => "rl";
    public override string Summary => "RL (GRPO family) from an SFT student with the BARD reward; budgets come from the config.";
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--prompts", "Problems JSONL (id, question, answer): the RL prompts.") { Required = true, ValueName = "FILE" },
        new("--init", "The SFT student (a checkpoint folder with its tokenizer).") { Required = true, ValueName = "DIR" },
        new("--out", "Run folder: checkpoint-STEP/, final/, metrics.jsonl, tensorboard/, config.json.") { Required = true, ValueName = "DIR" },
        new("--config", "RL options as JSON (snake_case keys of RlConfig; see docs/rl.md); the flags below override it.") { ValueName = "FILE" },
        new("--max-steps", "RL steps (rollout batches).") { ValueName = "N" },
        new("--lr", "Learning rate.") { ValueName = "LR" },
        new("--seed", "Seed of problem order, budgets and sampling.") { ValueName = "S" },
        new("--answer-kind", "How answers are checked: math, choice or task (default: task for embedded problems, math otherwise).") { ValueName = "KIND" },
        new("--eval-problems", "Problems JSONL held out from --prompts: evaluated greedily at the config's budgets every eval_every steps (config; default 20) and at the last step, into metrics.jsonl (eval_accuracy, eval_rel_dev, per budget eval_accuracy_bB).") { ValueName = "FILE" },
        new("--resume", "Continue from the newest OUT/checkpoint-STEP/.") { IsFlag = true },
        new("--skip-bad", "Skip and count bad lines of the prompts file.") { IsFlag = true },
        new("--adapter", "LoRA adapters of the SFT student (a PEFT adapter folder, e.g. a LoRA SFT run's final/) to merge into --init before RL; with --lora-r the RL adapters are new ones on that merged model, which is also the KL reference.") { ValueName = "DIR" },
        .. ModelOptions.LoraOptions,
        ModelOptions.Device,
    ];

    public override int Run(ParsedOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var config = options.String("--config") is { } path ? RlConfig.Load(path) : new RlConfig();
        if (options.Has("--max-steps")) config = config with { MaxSteps = options.Int("--max-steps") };
        if (options.Has("--lr")) config = config with { LearningRate = options.Double("--lr") };
        if (options.Has("--seed")) config = config with { Seed = options.Long("--seed") };
        config = config with { Lora = ModelOptions.ResolveLora(options, config.Lora) };
        config.Validate();
        var deviceSpec = ModelOptions.DeviceOf(options);
        var device = deviceSpec.Resolve();
        var problems = DataCli.Read(options.RequiredString("--prompts"), ProblemFormat.Instance, options, stderr);
        if (problems.Count == 0) throw new BardException($"{options.RequiredString("--prompts")}: no problems.");
        var evalProblems = options.String("--eval-problems") is { } evalPath ? DataCli.Read(evalPath, ProblemFormat.Instance, options, stderr) : null;
        if (evalProblems is { Count: 0 }) throw new BardException($"{options.String("--eval-problems")}: no problems.");
        var kind = AnswerKindOption(options.String("--answer-kind"), problems);
        var verifier = AnswerVerifiers.For(kind);
        string init = options.RequiredString("--init");
        var chat = StudentChat.Load(init);
        var env = new ChatEnvironment(chat, (problem, answer) => verifier.Check(answer, problem.Answer).Correct);
        // The update scores prompts × group rows of prompt + completion tokens, with a reference copy when β > 0.
        int longestPrompt = problems.Max(p => env.Prompt(p, config.MaxBudget).Length);
        if (PrecisionChoice.Explain(config.Precision, device.type) is { } chosen) stderr.WriteLine($"bard rl: {chosen}");
        var shape = ModelConfig.Load(Path.Combine(init, "config.json"));
        var precision = PrecisionChoice.Resolve(config.Precision, device.type);
        long rows = (long)config.PromptsPerStep * config.GroupSize, length = longestPrompt + config.MaxCompletionTokens;
        var memory = MemoryEstimate.For(shape, config.Lora, precision, rows, length, config.GradientCheckpointing, frozenCopies: config.Beta > 0 ? 1 : 0);
        stderr.WriteLine($"bard rl: on {deviceSpec}, estimated memory: {memory}");
        if (config.Lora is { } lora) stderr.WriteLine($"bard rl: {ModelOptions.LoraSummary(lora, shape)}" + (config.Beta > 0 ? "; the KL reference is the model with the adapters off" : ""));
        memory.EnsureFits(MemoryEstimate.DeviceMemory(deviceSpec), deviceSpec.ToString());
        using var policy = Checkpoint.Load(init, ModelOptions.InitDType(options, config.Lora, precision), device);
        ModelOptions.MergeAdapter(options, policy, stderr, "rl");
        string outDir = options.RequiredString("--out");
        Directory.CreateDirectory(outDir);
        string? baseModel = ModelOptions.AdapterBase(options, policy, init, config.Lora is not null, outDir, init, stderr, "rl");
        File.WriteAllText(Path.Combine(outDir, "config.json"), config.ToJson());
        var steps = new RlTrainer(config).Train(policy, problems, env, new RlRun
        {
            OutDir = outDir,
            Resume = options.Flag("--resume"),
            TokenizerDir = init,
            BaseModel = baseModel,
            Progress = ProgressBar.ForStderr("rl", config.MaxSteps),
            EvalProblems = evalProblems,
        }, cancel);
        if (steps.Count > 0)
        {
            var (first, last) = (steps[0].Rollout, steps[^1].Rollout);
            stderr.WriteLine($"bard rl: reward {first.RewardMean:F3} → {last.RewardMean:F3}, fidelity {first.FidelityMean:F3} → {last.FidelityMean:F3} over {steps.Count} steps"
                + (steps.LastOrDefault(s => s.Evaluation is not null)?.Evaluation is { } e ? $"; greedy evaluation at the end: accuracy {e.Accuracy:P1}, mean |L − b|/b {e.MeanRelativeDeviation:F3}" : ""));
        }
        stdout.WriteLine(Path.GetFullPath(Path.Combine(outDir, "final")));
        return 0;
    }

    /// <summary>--answer-kind, or the default for these problems (task for the embedded task, math otherwise).</summary>
    public static AnswerKind AnswerKindOption(string? value, IReadOnlyList<Problem> problems) => value switch
    {
        null => problems.All(p => p.Source == "embedded") ? AnswerKind.Task : problems.All(p => p.Choices is not null) ? AnswerKind.Choice : AnswerKind.Math,
        "math" => AnswerKind.Math,
        "choice" => AnswerKind.Choice,
        "task" => AnswerKind.Task,
        _ => throw new UsageException($"--answer-kind must be math, choice or task, got '{value}'."),
    };
}
