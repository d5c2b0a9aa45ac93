using static TorchSharp.torch;

namespace Bard.Model;

/// <summary>
/// Rotary position embeddings (RoPE) in Hugging Face's "rotate half" layout: the first and second half of
/// each head are the two coordinates of each rotated pair. Frequencies follow the config's rope type
/// (default or llama3). Angles are computed per call from position ids in float32, as transformers does,
/// so any position works without a table.
/// </summary>
public sealed class RotaryEmbedding : IDisposable
{
    Tensor invFreq; // [D/2], float32, long-lived; moved once to the device of the positions it first meets there

    public RotaryEmbedding(ModelConfig config)
    {
        invFreq = InverseFrequencies(config.Rope, config.HeadDim).DetachFromDisposeScope();
    }

    /// <summary>inv_freq[i] = 1 / theta^(2i/d), with llama3 scaling applied when configured.</summary>
    public static Tensor InverseFrequencies(RopeScaling rope, int headDim)
    {
        using var scope = NewDisposeScope();
        var exponents = arange(0, headDim, 2, dtype: ScalarType.Int64).to(ScalarType.Float32) / headDim;
        var inv = 1.0f / pow(tensor((float)rope.Theta), exponents);
        if (rope.Type == RopeType.Llama3)
        {
            // transformers' _compute_llama3_parameters.
            double lowFreqWavelen = rope.OriginalMaxPositionEmbeddings / rope.LowFreqFactor;
            double highFreqWavelen = rope.OriginalMaxPositionEmbeddings / rope.HighFreqFactor;
            var wavelen = 2 * Math.PI / inv;
            var scaled = where(wavelen > lowFreqWavelen, inv / rope.Factor, inv);
            var smooth = (rope.OriginalMaxPositionEmbeddings / wavelen - rope.LowFreqFactor) / (rope.HighFreqFactor - rope.LowFreqFactor);
            var smoothed = (1 - smooth) * scaled / rope.Factor + smooth * scaled;
            var isMedium = (wavelen >= highFreqWavelen).logical_and(wavelen <= lowFreqWavelen);
            inv = where(isMedium, smoothed, scaled);
        }
        return inv.to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>cos and sin for <paramref name="positionIds"/> [B, T]: each [B, T, D] in <paramref name="dtype"/>.</summary>
    public (Tensor Cos, Tensor Sin) Angles(Tensor positionIds, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        if (invFreq.device_type != positionIds.device_type || invFreq.device_index != positionIds.device_index)
        {
            // The model moved (to(cuda)): move the table once and keep it there, so no forward pass
            // (every decode step) copies it from the host again.
            var moved = invFreq.to(positionIds.device).DetachFromDisposeScope();
            invFreq.Dispose();
            invFreq = moved;
        }
        var freqs = positionIds.to(ScalarType.Float32).unsqueeze(-1) * invFreq; // [B, T, D/2]
        var emb = cat([freqs, freqs], -1);                                 // [B, T, D]
        return (emb.cos().to(dtype).MoveToOuterDisposeScope(), emb.sin().to(dtype).MoveToOuterDisposeScope());
    }

    /// <summary>Rotates <paramref name="x"/> [B, H, T, D] by angles from <see cref="Angles"/>.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var c = cos.unsqueeze(1); // [B, 1, T, D]
        var s = sin.unsqueeze(1);
        long half = x.shape[^1] / 2;
        var x1 = x.narrow(-1, 0, half);
        var x2 = x.narrow(-1, half, half);
        var rotated = cat([-x2, x1], -1);
        return (x * c + rotated * s).MoveToOuterDisposeScope();
    }

    public void Dispose() => invFreq.Dispose();
}
