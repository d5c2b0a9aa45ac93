using System.Diagnostics;
using Bard.Model;

namespace Bard.Training;

/// <summary>
/// Peak memory of a training run, estimated before it starts, in bytes: weights, gradients, AdamW state and
/// activations at a batch size and sequence length. An estimate, not a measurement: it counts the tensors the
/// backward pass keeps (per decoder layer and token: 6·d + 6·H·D + 4·H_kv·D + 4·I elements, the norms,
/// projections, rope, repeated kv heads, attention output and SwiGLU of <see cref="DecoderLayer"/>), assumes a
/// fused attention kernel (no T × T score matrix), and ignores allocator fragmentation and libtorch workspaces.
/// Used to refuse a run that cannot fit, with the numbers, before hours of loading and tokenizing.
/// </summary>
public sealed record MemoryEstimate(long Weights, long Gradients, long OptimizerState, long Activations)
{
    public long Total => Weights + Gradients + OptimizerState + Activations;

    /// <summary>Elements each decoder layer keeps for the backward pass, per token.</summary>
    public static long LayerElementsPerToken(ModelConfig c) =>
        6L * c.HiddenSize + 6L * c.NumHeads * c.HeadDim + 4L * c.NumKvHeads * c.HeadDim + 4L * c.IntermediateSize;

    /// <summary>
    /// The estimate for training <paramref name="config"/> on <paramref name="batch"/> rows of <paramref name="length"/> tokens.
    /// Weights: float32 master (4 bytes/parameter), plus a bf16 compute copy (2) in <see cref="Precision.Bf16"/>.
    /// Gradients: the same layout. AdamW: two float32 moments (8). <paramref name="frozenCopies"/> adds that many
    /// float32 copies without gradients (RL's reference model).
    /// Activations, with e the compute element size (4 or 2 bytes), per token: each layer's
    /// <see cref="LayerElementsPerToken"/> × e (with checkpointing: every layer's input, d × e, plus one layer's full
    /// set, recomputed during the backward), plus the head: logits in the compute dtype, their float32 log-softmax
    /// and the float32 gradient of the logits, V × (e + 8).
    /// </summary>
    public static MemoryEstimate ForTraining(ModelConfig config, Precision precision, long batch, long length,
        bool gradientCheckpointing, int frozenCopies = 0)
    {
        long p = config.ParameterCount;
        bool bf16 = precision == Precision.Bf16;
        long e = bf16 ? 2 : 4;
        long weights = 4 * p + (bf16 ? 2 * p : 0) + 4 * p * frozenCopies;
        long gradients = 4 * p + (bf16 ? 2 * p : 0);
        long optimizer = 8 * p;
        long layers = gradientCheckpointing
            ? config.NumLayers * (long)config.HiddenSize * e + LayerElementsPerToken(config) * e
            : config.NumLayers * LayerElementsPerToken(config) * e;
        long head = config.VocabSize * (e + 8);
        return new MemoryEstimate(weights, gradients, optimizer, batch * length * (layers + head));
    }

    /// <summary>
    /// The estimate for training LoRA adapters (<paramref name="lora"/>) on a frozen base: the base once, in the compute dtype
    /// (e = 2 bytes in bf16, 4 in float32), without gradients or optimizer state; the a adapter values in float32 with their
    /// gradients (4a) and AdamW moments (8a). Activations: the base's, as in <see cref="ForTraining"/> (the backward pass
    /// still runs through every layer above the lowest adapter), plus per adapted layer and token the r-wide output of A
    /// (4 bytes each), with a bf16 base the float32 copy of each distinct input the adapters read (in × 4; q, k and v share
    /// one, gate and up another), and with dropout a dropped copy per adapter (in × 4).
    /// </summary>
    public static MemoryEstimate ForLora(ModelConfig config, Lora.LoraConfig lora, Precision precision, long batch, long length, bool gradientCheckpointing)
    {
        bool bf16 = precision == Precision.Bf16;
        long e = bf16 ? 2 : 4;
        var adapted = lora.AdaptedLayers(config);
        long a = lora.ParameterCount(config);
        long weights = e * config.ParameterCount + 4 * a;
        // Per token, summed over the adapted layers; with checkpointing only one layer's share is held at a time. A bf16 base:
        // each distinct input cast to float32 once (q, k and v share one, gate and up another); dropout: a dropped copy per adapter.
        long casts = bf16 ? adapted.GroupBy(l => l.Input).Sum(g => 4 * g.First().In) : 0;
        long extraAll = adapted.Sum(l => 4L * lora.R + (lora.Dropout > 0 ? 4 * l.In : 0)) + casts;
        long extra = gradientCheckpointing ? extraAll / Math.Max(config.NumLayers, 1) : extraAll;
        var full = ForTraining(config, precision, batch, length, gradientCheckpointing);
        return new MemoryEstimate(weights, 4 * a, 8 * a, full.Activations + batch * length * extra);
    }

    /// <summary>The estimate for a run that trains <paramref name="lora"/> adapters (<see cref="ForLora"/>) or, when it is null, the whole model (<see cref="ForTraining"/>).</summary>
    public static MemoryEstimate For(ModelConfig config, Lora.LoraConfig? lora, Precision precision, long batch, long length,
        bool gradientCheckpointing, int frozenCopies = 0) => lora is not null
        ? ForLora(config, lora, precision, batch, length, gradientCheckpointing) // LoRA needs no frozen copy: RL's reference is the base
        : ForTraining(config, precision, batch, length, gradientCheckpointing, frozenCopies);

    /// <summary>
    /// Throws a <see cref="BardException"/> when <see cref="Total"/> exceeds <paramref name="available"/> bytes
    /// (null: unknown, nothing is checked). The message gives both numbers and the ways to fit.
    /// </summary>
    public void EnsureFits(long? available, string device)
    {
        if (available is not { } a || Total <= a) return;
        throw new BardException($"the run needs about {Gib(Total)} ({this}), more than the {Gib(a)} of {device}. "
            + "Lower --batch-size or max_seq_len, turn on gradient_checkpointing in the config, train in bf16 (--precision bf16), train LoRA adapters (--lora-r 16), "
            + "or use a device with more memory.");
    }

    public override string ToString() =>
        $"weights {Gib(Weights)}, gradients {Gib(Gradients)}, AdamW state {Gib(OptimizerState)}, activations {Gib(Activations)}, total {Gib(Total)}";

    static string Gib(long bytes) => $"{bytes / (1024.0 * 1024 * 1024):F2} GiB";

    /// <summary>
    /// Memory of <paramref name="device"/> in bytes, or null when it cannot be told. CPU: the memory .NET sees
    /// (<c>GC.GetGCMemoryInfo().TotalAvailableMemoryBytes</c>: physical memory or the container limit). CUDA:
    /// TorchSharp 0.107 binds no <c>torch.cuda.mem_get_info</c>, so the total memory of the GPU is read from
    /// <c>nvidia-smi</c>; null when nvidia-smi is not on PATH (the estimate is then printed but not enforced).
    /// </summary>
    public static long? DeviceMemory(DeviceSpec device)
    {
        if (!device.IsCuda) return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        try
        {
            using var process = Process.Start(new ProcessStartInfo("nvidia-smi", $"--query-gpu=memory.total --format=csv,noheader,nounits -i {device.Index}")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            });
            if (process is null) return null;
            string text = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 && long.TryParse(text.Trim(), out long mib) ? mib * 1024 * 1024 : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no nvidia-smi: documented as "not enforced"
        }
    }
}
