using Bard.Lora;
using Bard.Model;
using TorchSharp;

namespace Bard.Cli;

/// <summary>The options every command that loads a checkpoint shares, and the loading itself.</summary>
public static class ModelOptions
{
    public static OptionSpec Model { get; } = new("--model", "Hugging Face checkpoint folder (config.json + *.safetensors).") { Required = true, ValueName = "DIR" };

    public static OptionSpec DType { get; } = new("--dtype", "Compute dtype: float32, bfloat16 or float16.") { Default = "float32", ValueName = "DTYPE" };

    /// <summary>The shared <c>--device</c> option of every command that runs a model (sft, rl, eval, generate, score, serve, demo, bench).</summary>
    public static OptionSpec Device { get; } = new("--device", "Where the model runs: cpu, cuda or cuda:N (CUDA needs a CUDA libtorch: see docs/backends.md).") { Default = "cpu", ValueName = "DEV" };

    /// <summary>Parses <c>--device</c> (a <see cref="BardException"/> for a bad value).</summary>
    public static DeviceSpec DeviceOf(ParsedOptions o) => DeviceSpec.Parse(o.RequiredString("--device"));

    /// <summary>Parses and checks <c>--device</c>: for CUDA, initialises it or fails with what was searched and the fix.</summary>
    public static torch.Device ResolveDevice(ParsedOptions o) => DeviceOf(o).Resolve();

    /// <summary><c>--adapter</c>: LoRA adapters (a PEFT adapter folder) on top of <c>--model</c>.</summary>
    public static OptionSpec Adapter { get; } = new("--adapter", "LoRA adapters to apply on top of the model: a PEFT adapter folder (adapter_config.json + adapter_model.safetensors), e.g. a LoRA run's final/.") { ValueName = "DIR" };

    /// <summary>The LoRA options of <c>bard sft</c> and <c>bard rl</c>; any of them turns LoRA on (the config file's <c>lora</c> section does too).</summary>
    public static IReadOnlyList<OptionSpec> LoraOptions { get; } =
    [
        new("--lora-r", "Train LoRA adapters of rank R on the frozen model instead of the whole model (see docs/training.md#lora).") { ValueName = "R" },
        new("--lora-alpha", "LoRA alpha; the adapters' output is scaled by alpha / r (default 2 × r).") { ValueName = "A" },
        new("--lora-dropout", "Dropout on the adapters' input while training (default 0).") { ValueName = "P" },
        new("--lora-targets", "Linear layers that get adapters: all-linear, or a comma list of q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj (default all-linear).") { ValueName = "LIST" },
        new("--lora-rslora", "rsLoRA: scale by alpha / sqrt(r) instead of alpha / r.") { IsFlag = true },
    ];

    /// <summary>The LoRA config: <paramref name="fromFile"/> (the config file's section) with the --lora-* flags applied; null when neither turns LoRA on.</summary>
    public static LoraConfig? ResolveLora(ParsedOptions o, LoraConfig? fromFile)
    {
        bool any = LoraOptions.Any(spec => o.Has(spec.Name) && (!spec.IsFlag || o.Flag(spec.Name)));
        if (!any) return fromFile;
        var c = fromFile ?? new LoraConfig();
        if (o.Has("--lora-r")) c = c with { R = o.Int("--lora-r") };
        if (o.Has("--lora-alpha")) c = c with { Alpha = o.Double("--lora-alpha") };
        if (o.Has("--lora-dropout")) c = c with { Dropout = o.Double("--lora-dropout") };
        if (o.String("--lora-targets") is { } t) c = c with { Targets = t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), TargetPattern = null };
        if (o.Flag("--lora-rslora")) c = c with { UseRslora = true };
        return c.Validate();
    }

    /// <summary>Attaches <c>--adapter DIR</c>, when given, to <paramref name="model"/> (unmerged: outputs are PEFT's, W x + s · B A x).</summary>
    public static CausalLM WithAdapter(ParsedOptions o, CausalLM model)
    {
        if (o.String("--adapter") is not { } dir) return model;
        try { LoraAdapters.Load(model, dir); }
        catch { model.Dispose(); throw; }
        return model;
    }

    /// <summary>
    /// The dtype <c>bard sft</c>/<c>bard rl</c> load <c>--init</c> in: float32 (the master weights), except for LoRA in bf16
    /// without <c>--adapter</c> to merge first, whose frozen base is loaded in bf16 directly and never exists in float32
    /// (an 8B base is 16 GB in bf16).
    /// </summary>
    public static torch.ScalarType InitDType(ParsedOptions o, LoraConfig? lora, Training.Precision resolved) =>
        lora is not null && resolved == Training.Precision.Bf16 && o.String("--adapter") is null ? torch.ScalarType.BFloat16 : torch.ScalarType.Float32;

    /// <summary>"LoRA r 16 (alpha 32) on q_proj, …: N trainable parameters (x% of the model's M); the base stays frozen".</summary>
    public static string LoraSummary(LoraConfig lora, ModelConfig shape)
    {
        long trainable = lora.ParameterCount(shape);
        string targets = lora.TargetPattern ?? string.Join(", ", lora.Targets);
        return $"LoRA r {lora.R} (alpha {lora.EffectiveAlpha:G}{(lora.UseRslora ? ", rsLoRA" : "")}) on {targets}: {trainable:N0} trainable parameters "
            + $"({100.0 * trainable / Math.Max(shape.ParameterCount, 1):F2}% of the model's {shape.ParameterCount:N0}); the base stays frozen";
    }

    /// <summary>
    /// Training from <c>--init</c> with <c>--adapter</c>: merges the adapters into the loaded weights (W + s · B A), so
    /// that training continues from the adapted model (and RL's KL reference is that model, not the base).
    /// </summary>
    public static void MergeAdapter(ParsedOptions o, CausalLM model, TextWriter stderr, string command)
    {
        if (o.String("--adapter") is not { } dir) return;
        var adapters = LoraAdapters.Load(model, dir);
        stderr.WriteLine($"bard {command}: merged the LoRA adapters of {dir} (r {adapters.Config.R}, {adapters.All.Count} layers) into the model's weights");
        adapters.MergeAndDetach();
    }

    /// <summary>
    /// LoRA on a base that exists nowhere on disk (a fresh model, or <c>--init</c> with <c>--adapter</c> merged in): writes it once
    /// to OUT/base/ (kept on resume), so that the trained adapters have their base, and returns that folder for
    /// base_model_name_or_path. Otherwise returns <paramref name="init"/>'s full path (or null).
    /// </summary>
    public static string? AdapterBase(ParsedOptions o, CausalLM model, string? init, bool lora, string outDir, string tokenizerDir, TextWriter stderr, string command)
    {
        if (!lora || (init is not null && !o.Has("--adapter"))) return init is null ? null : Path.GetFullPath(init);
        string dir = Path.GetFullPath(Path.Combine(outDir, "base"));
        if (!File.Exists(Path.Combine(dir, "config.json")))
            Training.RunFolder.WriteAtomically(dir, d => Checkpoint.Save(model, d, tokenizerDir: tokenizerDir));
        stderr.WriteLine($"bard {command}: the adapters' base model ({(init is null ? "a fresh model" : "--init with --adapter merged in")}) is in {dir}; use the result with --model {dir} --adapter {Path.GetFullPath(Path.Combine(outDir, "final"))}");
        return dir;
    }

    public static CausalLM Load(ParsedOptions o)
    {
        var dtype = o.RequiredString("--dtype") switch
        {
            "float32" => torch.ScalarType.Float32,
            "bfloat16" => torch.ScalarType.BFloat16,
            "float16" => torch.ScalarType.Float16,
            var s => throw new UsageException($"--dtype must be float32, bfloat16 or float16, got '{s}'."),
        };
        var device = ResolveDevice(o); // before the (slow) load
        return WithAdapter(o, Checkpoint.Load(o.RequiredString("--model"), dtype, device));
    }

    /// <summary>Checks parsed --ids against the model's vocabulary.</summary>
    public static void CheckIds(int[] ids, CausalLM model, string option = "--ids")
    {
        if (ids.Length == 0) throw new UsageException($"{option} needs at least one token id.");
        foreach (var id in ids)
            if (id < 0 || id >= model.Config.VocabSize)
                throw new UsageException($"{option}: token id {id} is outside the model's vocabulary [0, {model.Config.VocabSize}).");
    }
}
