using Bard.Data;
using Bard.Model;
using Bard.Text;
using Bard.Training;
using TorchSharp;

namespace Bard.Cli;

/// <summary>`bard sft`: supervised fine-tuning on budgeted data (BARD's phase one) or plain traces.</summary>
public sealed class SftCommand : CliCommand
{
    public override string Name => "sft";
    public override string Summary => "Fine-tune a student on chat JSONL, budgeted samples or teacher traces (BARD phase one).";
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--train", "Training data: chat-messages JSONL, budgeted samples or teacher traces (told apart by the first record).") { Required = true, ValueName = "FILE" },
        new("--val", "Validation data in the same shapes; its loss is logged every eval_every steps.") { ValueName = "FILE" },
        new("--problems", "Problems file, needed when the data are budgeted samples or teacher traces.") { ValueName = "FILE" },
        new("--out", "Run folder: checkpoint-STEP/, final/, metrics.jsonl, tensorboard/, config.json.") { Required = true, ValueName = "DIR" },
        new("--init", "Start from this Hugging Face checkpoint folder (it brings its tokenizer).") { ValueName = "DIR" },
        new("--model-config", "Start from scratch: a config.json, or a preset name (" + string.Join(", ", ModelPresets.Names.Keys) + ").") { ValueName = "FILE|PRESET" },
        new("--tokenizer", "Tokenizer folder (tokenizer.json + tokenizer_config.json with a chat template), or a task name (embedded) for that task's character tokenizer; needed with --model-config.") { ValueName = "DIR|TASK" },
        new("--config", "SFT options as JSON (snake_case keys of SftConfig; see docs/training.md); the flags below override it.") { ValueName = "FILE" },
        new("--max-steps", "Optimizer steps (0: epochs decide).") { ValueName = "N" },
        new("--lr", "Peak learning rate.") { ValueName = "LR" },
        new("--batch-size", "Rows per micro-batch.") { ValueName = "N" },
        new("--precision", "fp32, bf16 (bf16 compute, fp32 master weights) or auto (bf16 on CUDA and on CPUs with AMX or AVX512-BF16, else fp32).") { ValueName = "P" },
        new("--seed", "Seed of data order and initialisation.") { ValueName = "S" },
        new("--resume", "Continue from the newest OUT/checkpoint-STEP/.") { IsFlag = true },
        new("--gradient-checkpointing", "Recompute each decoder layer's activations in the backward pass (less memory, ~1 more forward per step).") { IsFlag = true },
        new("--skip-bad", "Skip and count bad data lines instead of stopping at the first.") { IsFlag = true },
        new("--adapter", "LoRA adapters (a PEFT adapter folder) to merge into --init before training.") { ValueName = "DIR" },
        .. ModelOptions.LoraOptions,
        ModelOptions.Device,
    ];

    public override int Run(ParsedOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var config = Resolve(options);
        var deviceSpec = ModelOptions.DeviceOf(options);
        var device = deviceSpec.Resolve(); // fail before reading data or weights
        string outDir = options.RequiredString("--out");
        string? init = options.String("--init");
        string? modelConfig = options.String("--model-config");
        if ((init is null) == (modelConfig is null)) throw new UsageException("bard sft: give exactly one of --init DIR or --model-config FILE|PRESET.");
        string tokenizerDir = options.String("--tokenizer") ?? init
            ?? throw new UsageException("bard sft: --model-config needs --tokenizer DIR (the student's tokenizer).");
        if (!Directory.Exists(tokenizerDir) && ReasoningTasks.Names.Contains(tokenizerDir))
        {
            // A task's own scratch tokenizer: written into the run folder, then copied into every checkpoint.
            string dir = Path.Combine(outDir, "tokenizer");
            ReasoningTasks.Create(tokenizerDir).SaveTokenizer(dir);
            tokenizerDir = dir;
        }
        var chat = StudentChat.Load(tokenizerDir);
        // The model's shape before the data: a tokenizer the embedding cannot hold fails now, not at the first batch.
        var shape = init is not null ? ModelConfig.Load(Path.Combine(init, "config.json")) : FreshConfig(modelConfig!, chat);
        if (chat.Tokenizer.VocabSize > shape.VocabSize)
            throw new BardException($"the tokenizer in {tokenizerDir} has {chat.Tokenizer.VocabSize} ids (its largest id + 1), more than the model's vocab_size "
                + $"{shape.VocabSize} ({(init is not null ? Path.Combine(init, "config.json") : modelConfig)}): ids from {shape.VocabSize} up would have no embedding. "
                + "Fix: train with the tokenizer the model was built for (leave out --tokenizer to use the one in --init), or a model whose vocab_size is at least the tokenizer's.");
        var policy = options.Flag("--skip-bad") ? BadRecordPolicy.Skip : BadRecordPolicy.Stop;
        var (train, kind, skipped, messages) = SftDataFile.Read(options.RequiredString("--train"), options.String("--problems"), chat, policy);
        DataCli.ReportSkipped(skipped, messages, stderr);
        List<TrainingSequence>? val = null;
        if (options.String("--val") is { } valPath)
        {
            var v = SftDataFile.Read(valPath, options.String("--problems"), chat, policy);
            DataCli.ReportSkipped(v.Skipped, v.SkipMessages, stderr);
            val = v.Sequences;
        }
        stderr.WriteLine($"bard sft: {train.Count} training sequences ({kind}), {train.Sum(s => s.Length):N0} tokens{(val is null ? "" : $", {val.Count} validation")}");

        if (options.Has("--adapter") && init is null) throw new UsageException("bard sft: --adapter needs --init (the base model the adapters belong to).");
        if (PrecisionChoice.Explain(config.Precision, device.type) is { } chosen) stderr.WriteLine($"bard sft: {chosen}");
        var precision = PrecisionChoice.Resolve(config.Precision, device.type);
        var memory = MemoryEstimate.For(shape, config.Lora, precision, config.BatchSize, config.MaxSeqLen, config.GradientCheckpointing);
        stderr.WriteLine($"bard sft: {shape.ParameterCount:N0} parameters on {deviceSpec}, estimated memory at batch {config.BatchSize} × {config.MaxSeqLen} tokens: {memory}");
        if (config.Lora is { } lora) stderr.WriteLine($"bard sft: {ModelOptions.LoraSummary(lora, shape)}");
        memory.EnsureFits(MemoryEstimate.DeviceMemory(deviceSpec), deviceSpec.ToString());
        using var model = init is not null ? Checkpoint.Load(init, ModelOptions.InitDType(options, config.Lora, precision), device) : FreshModel(shape, config.Seed, device);
        ModelOptions.MergeAdapter(options, model, stderr, "sft");
        Directory.CreateDirectory(outDir);
        string? baseModel = ModelOptions.AdapterBase(options, model, init, config.Lora is not null, outDir, tokenizerDir, stderr, "sft");
        ConfigJson.Save(config, Path.Combine(outDir, "config.json"));
        var trainer = new SftTrainer(config);
        var metrics = trainer.Train(model, train, val, new SftRun
        {
            OutDir = outDir,
            Resume = options.Flag("--resume"),
            TokenizerDir = tokenizerDir,
            BaseModel = baseModel,
            Progress = ProgressBar.ForStderr("sft", trainer.TotalSteps(train)),
        }, cancel);
        if (metrics.Count > 0)
            stderr.WriteLine($"bard sft: loss {metrics[0].Loss:F4} → {metrics[^1].Loss:F4} in {metrics.Count} steps, {metrics.Average(m => m.TokensPerSecond):N0} tokens/s");
        stdout.WriteLine(Path.GetFullPath(Path.Combine(outDir, "final")));
        return 0;
    }

    static SftConfig Resolve(ParsedOptions o)
    {
        var c = o.String("--config") is { } path ? ConfigJson.Load<SftConfig>(path) : new SftConfig();
        if (o.Has("--max-steps")) c = c with { MaxSteps = o.Int("--max-steps") };
        if (o.Has("--lr")) c = c with { LearningRate = o.Double("--lr") };
        if (o.Has("--batch-size")) c = c with { BatchSize = o.Int("--batch-size") };
        if (o.Has("--seed")) c = c with { Seed = o.Long("--seed") };
        if (o.Flag("--gradient-checkpointing")) c = c with { GradientCheckpointing = true };
        c = c with { Lora = ModelOptions.ResolveLora(o, c.Lora) };
        if (o.String("--precision") is { } p)
            c = c with { Precision = PrecisionChoice.Parse(p) ?? throw new UsageException($"--precision must be fp32, bf16 or auto, got '{p}'.") };
        c.Validate();
        return c;
    }

    static ModelConfig FreshConfig(string modelConfig, StudentChat chat)
    {
        var config = File.Exists(modelConfig)
            ? ModelConfig.Load(modelConfig)
            : ModelPresets.Names.ContainsKey(modelConfig)
                ? ModelPresets.Create(modelConfig, chat.Tokenizer.VocabSize) with { EosTokenIds = [chat.EndOfTurnId], PadTokenId = chat.Tokenizer.TokenToId("<pad>") }
                : throw new UsageException($"--model-config: '{modelConfig}' is neither a file nor a preset ({string.Join(", ", ModelPresets.Names.Keys)}).");
        return config;
    }

    /// <summary>A fresh model, initialised on the CPU (the same weights for a seed on every device), then moved to <paramref name="device"/>.</summary>
    static CausalLM FreshModel(ModelConfig config, long seed, torch.Device device)
    {
        var model = new CausalLM(config);
        ModelInit.Initialize(model, seed);
        model.to(device);
        return model;
    }
}
