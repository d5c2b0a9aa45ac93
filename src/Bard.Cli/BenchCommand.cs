using System.Text.Json.Nodes;
using Bard.Bench;
using Bard.Model;
using Bard.Training;
using TorchSharp;

namespace Bard.Cli;

/// <summary>
/// `bard bench`: SFT-step and KV-cache decode throughput for Qwen3-shaped random models (bench/gpu runs it
/// next to transformers). One JSON line per shape on stdout. Asked for CUDA on a machine without it, it
/// prints a "skipped: no CUDA" line and exits 0, so a benchmark script runs to the end everywhere.
/// </summary>
public sealed class BenchCommand : CliCommand
{
    public override string Name => "bench";
    public override string Summary => "Measure SFT step tokens/s (and MFU) and KV-cache decode tokens/s for Qwen3-shaped models; JSON lines.";
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        ModelOptions.Device,
        new("--sizes", "Comma-separated shapes: " + string.Join(", ", BenchShapes.Names) + ".") { Default = "0.6b,1.7b,8b", ValueName = "LIST" },
        new("--seq-len", "SFT sequence length (tokens per row).") { Default = "2048", ValueName = "N" },
        new("--batch-size", "SFT rows per step.") { Default = "4", ValueName = "N" },
        new("--steps", "Timed SFT steps (after --warmup).") { Default = "5", ValueName = "N" },
        new("--warmup", "Untimed SFT steps first.") { Default = "2", ValueName = "N" },
        new("--precision", "fp32 or bf16 (bf16 compute, fp32 master weights) for SFT; decode runs in the same dtype.") { Default = "bf16", ValueName = "P" },
        new("--gradient-checkpointing", "Recompute layer activations in SFT's backward.") { IsFlag = true },
        new("--lora-r", "SFT step with LoRA adapters of rank R on every linear layer (alpha 2R) on the frozen base; 0: full training.") { Default = "0", ValueName = "R" },
        new("--decode-batches", "Batch sizes of the decode measurement.") { Default = "1,32", ValueName = "LIST" },
        new("--prompt-len", "Decode: prompt tokens.") { Default = "128", ValueName = "N" },
        new("--new-tokens", "Decode: generated tokens.") { Default = "128", ValueName = "N" },
        new("--peak-tflops", "The device's dense peak TFLOP/s at the compute dtype, for MFU (H100/H200 SXM bf16: 989); 0 = no MFU.") { Default = "0", ValueName = "T" },
        new("--threads", "CPU threads for torch (0: libtorch's default).") { Default = "0", ValueName = "N" },
    ];

    public override int Run(ParsedOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var spec = ModelOptions.DeviceOf(options);
        if (spec.IsCuda && !DeviceSpec.CudaAvailable(out var why))
        {
            stderr.WriteLine($"bard bench: skipped: no CUDA ({why})");
            stdout.WriteLine(new JsonObject { ["impl"] = "bard", ["skipped"] = $"no CUDA: {why}" }.ToJsonString());
            return 0;
        }
        var device = spec.Resolve();
        if (options.Int("--threads") > 0) torch.set_num_threads(options.Int("--threads"));
        var precision = options.RequiredString("--precision") switch
        {
            "fp32" => Precision.Fp32,
            "bf16" => Precision.Bf16,
            var p => throw new UsageException($"--precision must be fp32 or bf16, got '{p}'."),
        };
        var dtype = precision == Precision.Bf16 ? torch.ScalarType.BFloat16 : torch.ScalarType.Float32;
        int seqLen = options.Int("--seq-len"), batch = options.Int("--batch-size"), steps = options.Int("--steps"), warmup = options.Int("--warmup");
        int promptLen = options.Int("--prompt-len"), newTokens = options.Int("--new-tokens");
        double peak = options.Double("--peak-tflops");
        bool checkpointing = options.Flag("--gradient-checkpointing");
        var lora = options.Int("--lora-r") is > 0 and int r ? new Bard.Lora.LoraConfig { R = r }.Validate() : null;
        if (steps < 1 || warmup < 0 || newTokens < 2 || promptLen < 1) throw new UsageException("--steps ≥ 1, --warmup ≥ 0, --prompt-len ≥ 1 and --new-tokens ≥ 2.");
        long? memory = MemoryEstimate.DeviceMemory(spec);
        string work = Path.Combine(Path.GetTempPath(), $"bard-bench-{Environment.ProcessId}");

        foreach (var size in options.RequiredString("--sizes").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            cancel.ThrowIfCancellationRequested();
            var config = BenchShapes.Create(size);
            var line = new JsonObject
            {
                ["impl"] = "bard", ["shape"] = size, ["params"] = config.ParameterCount, ["device"] = spec.ToString(),
                ["precision"] = options.RequiredString("--precision"), ["torch_backend"] = DeviceSpec.TorchBackend,
            };
            // SFT step, unless the estimate says it cannot fit (the 8B shape on one GPU: 20 bytes per parameter).
            var estimate = MemoryEstimate.For(config, lora, precision, batch, seqLen, checkpointing);
            var sft = new JsonObject { ["batch"] = batch, ["seq_len"] = seqLen, ["gradient_checkpointing"] = checkpointing, ["estimated_bytes"] = estimate.Total };
            if (lora is not null) { sft["lora_r"] = lora.R; sft["trainable_params"] = lora.ParameterCount(config); }
            if (memory is { } m && estimate.Total > m)
                sft["skipped"] = $"estimated {estimate.Total / 1e9:F1} GB > {m / 1e9:F1} GB of {spec}";
            else
            {
                stderr.WriteLine($"bard bench: {size} SFT step, batch {batch} × {seqLen}, estimated {estimate}");
                double tps = Throughput.SftTokensPerSecond(config, device, precision, batch, seqLen, warmup, steps, checkpointing, work, lora);
                sft["tokens_per_s"] = Math.Round(tps, 1);
                if (peak > 0) sft["mfu"] = Math.Round(tps * BenchShapes.TrainingFlopsPerToken(config, seqLen) / (peak * 1e12), 4);
            }
            line["sft"] = sft;

            var decode = new JsonObject { ["prompt_len"] = promptLen, ["new_tokens"] = newTokens };
            using (var model = Throughput.InferenceModel(config, dtype, device))
                foreach (int b in options.IntList("--decode-batches"))
                {
                    stderr.WriteLine($"bard bench: {size} decode, batch {b}");
                    decode[$"batch_{b}_tokens_per_s"] = Math.Round(Throughput.DecodeTokensPerSecond(model, b, promptLen, newTokens), 1);
                }
            line["decode"] = decode;
            stdout.WriteLine(line.ToJsonString());
            stdout.Flush();
        }
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        return 0;
    }
}
