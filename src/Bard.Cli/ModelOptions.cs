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
        return Checkpoint.Load(o.RequiredString("--model"), dtype, device);
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
