using static TorchSharp.torch;

namespace Bard.Model;

/// <summary>
/// Keys and values of past positions for every layer, preallocated once for a batch and a maximum
/// length ([B, H_kv, MaxLength, D] per layer) and filled in place: never grown by concatenation.
/// Owns its tensors; dispose it when the generation ends.
/// </summary>
public sealed class KvCache : IDisposable
{
    readonly Tensor[] keys, values;

    public KvCache(int layers, long batch, int kvHeads, long maxLength, int headDim, ScalarType dtype, Device device)
    {
        keys = new Tensor[layers];
        values = new Tensor[layers];
        for (int i = 0; i < layers; i++)
        {
            keys[i] = zeros([batch, kvHeads, maxLength, headDim], dtype, device).DetachFromDisposeScope();
            values[i] = zeros([batch, kvHeads, maxLength, headDim], dtype, device).DetachFromDisposeScope();
        }
        MaxLength = maxLength;
        Batch = batch;
    }

    /// <summary>Positions filled so far.</summary>
    public long Length { get; private set; }
    public long MaxLength { get; }
    public long Batch { get; private set; }

    /// <summary>
    /// Writes <paramref name="k"/>, <paramref name="v"/> [B, H_kv, T, D] at positions [Length, Length+T) of
    /// <paramref name="layer"/> and returns views of positions [0, Length+T). <see cref="Advance"/> moves Length on.
    /// </summary>
    public (Tensor Keys, Tensor Values) Write(int layer, Tensor k, Tensor v)
    {
        long t = k.shape[2];
        if (Length + t > MaxLength)
            throw new InvalidOperationException($"KV cache full: {Length} + {t} positions exceed its {MaxLength}.");
        keys[layer].narrow(2, Length, t).copy_(k);
        values[layer].narrow(2, Length, t).copy_(v);
        return (keys[layer].narrow(2, 0, Length + t), values[layer].narrow(2, 0, Length + t));
    }

    /// <summary>Marks <paramref name="t"/> more positions as filled (called once per forward, after the last layer).</summary>
    public void Advance(long t) => Length += t;

    /// <summary>
    /// Keeps only the sequences at <paramref name="rows"/> (int64 indices into the current batch, in the new order):
    /// a generator drops the sequences that have finished, so later steps compute only the ones still running.
    /// </summary>
    public void KeepRows(Tensor rows)
    {
        for (int i = 0; i < keys.Length; i++)
        {
            var (k, v) = (keys[i], values[i]);
            keys[i] = k.index_select(0, rows).DetachFromDisposeScope();
            values[i] = v.index_select(0, rows).DetachFromDisposeScope();
            k.Dispose();
            v.Dispose();
        }
        Batch = rows.shape[0];
    }

    public void Dispose()
    {
        foreach (var t in keys) t.Dispose();
        foreach (var t in values) t.Dispose();
    }
}
