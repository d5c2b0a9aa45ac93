using Bard.Model;
using static TorchSharp.torch;

namespace Bard.Training;

/// <summary>The tensors of one micro-batch, ready for the model and the loss.</summary>
public sealed record CollatedBatch(Tensor Ids, Tensor Labels, Tensor PositionIds, Tensor? AttentionMask, Tensor? AttentionBias) : IDisposable
{
    public void Dispose()
    {
        Ids.Dispose(); Labels.Dispose(); PositionIds.Dispose(); AttentionMask?.Dispose(); AttentionBias?.Dispose();
    }
}

/// <summary>
/// Turns a <see cref="MicroBatch"/> into tensors. Labels are shifted: label[t] is ids[t+1] when that token
/// is a target and <see cref="IgnoreIndex"/> otherwise, so the logits at t are scored on the next token.
/// Packed rows get a block-diagonal causal mask (no sequence sees another) and positions that restart at
/// 0 for each sequence; padded rows are right-padded and need no mask beyond causality.
/// </summary>
public static class Collator
{
    public const long IgnoreIndex = -100;

    /// <summary>The tensors of <paramref name="batch"/>, on <paramref name="device"/> (default: the CPU); pass the model's device.</summary>
    public static CollatedBatch Collate(MicroBatch batch, IReadOnlyList<TrainingSequence> data, ScalarType maskDType, int padId = 0, Device? device = null)
    {
        int b = batch.Rows.Count;
        int len = batch.Rows.Max(r => r.Sum(i => data[i].Length));
        var ids = new long[b * len];
        var labels = new long[b * len];
        var positions = new long[b * len];
        var segment = new long[b * len]; // 0 = padding, k = the k-th sequence of the row
        Array.Fill(ids, padId);
        Array.Fill(labels, IgnoreIndex);
        for (int r = 0; r < b; r++)
        {
            int at = r * len, k = 0;
            foreach (int i in batch.Rows[r])
            {
                var s = data[i];
                k++;
                for (int t = 0; t < s.Length; t++)
                {
                    ids[at + t] = s.Ids[t];
                    positions[at + t] = t;
                    segment[at + t] = k;
                    if (t + 1 < s.Length && s.Targets[t + 1]) labels[at + t] = s.Ids[t + 1];
                }
                at += s.Length;
            }
        }
        using var scope = NewDisposeScope();
        // Built on the host, copied once to the device: one transfer per array, none later in the step.
        var idsT = tensor(ids, [b, len], device: device);
        var labelsT = tensor(labels, [b, len], device: device);
        var posT = tensor(positions, [b, len], device: device);
        var seg = tensor(segment, [b, len], device: device);
        bool packed = batch.Rows.Any(r => r.Count > 1);
        Tensor? mask = null, bias = null;
        if (packed)
        {
            // allowed[b, q, k] = same non-padding sequence and k ≤ q. Padding queries see nothing (their
            // rows stay finite: see CausalLM.AdditiveMask) and are never scored.
            var same = seg.unsqueeze(2).eq(seg.unsqueeze(1)).logical_and(seg.unsqueeze(1).ne(0));
            var causal = ones([len, len], dtype: ScalarType.Bool, device: device).tril();
            bias = CausalLM.BiasFromAllowed(same.logical_and(causal).unsqueeze(1), maskDType).MoveToOuterDisposeScope();
        }
        // Padded rows are right-padded: under a causal mask no real token can see the padding after it, so
        // plain causal attention (no explicit mask: the fast kernel) is exact for every scored position.
        return new CollatedBatch(idsT.MoveToOuterDisposeScope(), labelsT.MoveToOuterDisposeScope(), posT.MoveToOuterDisposeScope(), mask, bias);
    }
}
