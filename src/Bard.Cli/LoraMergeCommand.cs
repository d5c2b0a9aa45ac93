using Bard.Lora;
using Bard.Model;
using Bard.Training;

namespace Bard.Cli;

/// <summary><c>bard lora merge</c>: a base checkpoint plus LoRA adapters → one full Hugging Face checkpoint (W + s · B A).</summary>
public sealed class LoraMergeCommand : CliCommand
{
    public override string Name => "lora merge";
    public override string Summary => "Merge LoRA adapters into their base model: a full checkpoint that transformers and vLLM load.";
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--model", "The base model's checkpoint folder (config.json + *.safetensors).") { Required = true, ValueName = "DIR" },
        new("--adapter", "The PEFT adapter folder (adapter_config.json + adapter_model.safetensors).") { Required = true, ValueName = "DIR" },
        new("--out", "New checkpoint folder: config.json, model.safetensors (sharded above 5 GB) and the base's tokenizer files. Must not exist yet.") { Required = true, ValueName = "DIR" },
        new("--dtype", "Dtype to store: stored (the base's), float32, bfloat16 or float16.") { Default = "stored", ValueName = "DTYPE" },
    ];

    public override int Run(ParsedOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        string modelDir = options.RequiredString("--model"), adapterDir = options.RequiredString("--adapter"), outDir = options.RequiredString("--out");
        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
            throw new UsageException($"bard lora merge: {outDir} exists and is not empty; give a new folder (nothing is overwritten).");
        var shape = ModelConfig.Load(Path.Combine(modelDir, "config.json"));
        var storeAs = options.RequiredString("--dtype") switch
        {
            "stored" => shape.StoredDType,
            "float32" => TorchSharp.torch.ScalarType.Float32,
            "bfloat16" => TorchSharp.torch.ScalarType.BFloat16,
            "float16" => TorchSharp.torch.ScalarType.Float16,
            var s => throw new UsageException($"--dtype must be stored, float32, bfloat16 or float16, got '{s}'."),
        };
        // Loaded in the stored dtype, or float32 when that is what is asked for: the merge adds s · B A (float32) to each W
        // and rounds once, to the dtype written.
        using var model = Checkpoint.Load(modelDir, storeAs == TorchSharp.torch.ScalarType.Float32 ? storeAs : shape.StoredDType);
        var adapters = LoraAdapters.Load(model, adapterDir);
        string summary = $"r {adapters.Config.R}, alpha {adapters.Config.EffectiveAlpha:G}, {adapters.All.Count} layers";
        adapters.MergeAndDetach();
        cancel.ThrowIfCancellationRequested();
        RunFolder.WriteAtomically(Path.GetFullPath(outDir), dir => Checkpoint.Save(model, dir, storeAs, tokenizerDir: modelDir));
        stderr.WriteLine($"bard lora merge: merged {adapterDir} ({summary}) into {modelDir}, stored as {storeAs}");
        stdout.WriteLine(Path.GetFullPath(outDir));
        return 0;
    }
}
