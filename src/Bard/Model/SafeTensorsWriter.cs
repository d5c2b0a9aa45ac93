using System.Buffers.Binary;
using System.Text;
using TorchSharp;

namespace Bard.Model;

/// <summary>
/// Writes safetensors files and Hugging Face checkpoint folders that transformers and the <c>safetensors</c>
/// library load. The bytes match what Python's <c>safetensors.torch.save_file</c> writes for the same tensors and
/// metadata: tensors sorted by descending dtype alignment then name (so each starts aligned), a compact JSON
/// header padded with spaces to a multiple of 8 bytes, raw little-endian data. Values are written bit-exactly
/// (bf16, f16 and f32 included). Every file is written to a temporary file and renamed into place, so an
/// interrupted save never leaves a half-written file under the final name.
/// </summary>
/// <remarks>
/// Tied weights (one tensor under two names) must be passed once, under the name the checkpoint should store;
/// passing both writes the data twice, and transformers would then see two independent tensors.
/// </remarks>
public static class SafeTensorsWriter
{
    /// <summary>The metadata transformers writes into every weights file.</summary>
    public static IReadOnlyDictionary<string, string> DefaultMetadata { get; } = new Dictionary<string, string> { ["format"] = "pt" };

    /// <summary>
    /// Writes <paramref name="tensors"/> to <paramref name="path"/> as one safetensors file, replacing any file there.
    /// Tensors may be on any device and non-contiguous; they are copied to the CPU one at a time.
    /// </summary>
    /// <param name="path">Destination file.</param>
    /// <param name="tensors">Name → tensor. Names must be unique and not <c>__metadata__</c>.</param>
    /// <param name="metadata">The header's <c>__metadata__</c>; default <see cref="DefaultMetadata"/>
    /// (<c>{"format":"pt"}</c>, which transformers requires). An empty dictionary writes no <c>__metadata__</c> entry.</param>
    /// <exception cref="BardException">A duplicate or reserved name, or a dtype safetensors cannot store (complex, quantized).</exception>
    public static void Write(string path, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var entries = Describe(path, tensors);
        var header = HeaderJson.Serialize(entries.Select(e => e.Info).ToList(), metadata ?? DefaultMetadata);
        var padded = (header.Length + 7) / 8 * 8;
        var prefix = new byte[8 + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);
        header.CopyTo(prefix, 8);
        prefix.AsSpan(8 + header.Length).Fill((byte)' ');

        AtomicFile.Write(path, stream =>
        {
            stream.Write(prefix);
            foreach (var (_, tensor) in entries)
            {
                using var scope = torch.NewDisposeScope();
                var bytes = tensor.detach().cpu().contiguous();
                TensorBytes.Write(stream, bytes);
            }
        });
    }

    /// <summary>
    /// Writes a Hugging Face checkpoint folder: <c>model.safetensors</c> when the tensors fit in one shard, else
    /// <c>model-0000i-of-0000N.safetensors</c> shards plus <c>model.safetensors.index.json</c>, split as transformers
    /// splits (in the given order, a new shard when the next tensor would pass <paramref name="maxShardBytes"/>, a
    /// tensor larger than that alone in its own shard). Weights files of an earlier save in the folder that this
    /// save does not overwrite (old shards, a stale index or single file) are deleted afterwards.
    /// </summary>
    /// <param name="dir">Destination folder, created if needed.</param>
    /// <param name="tensors">Name → tensor, in the order to shard them (a module's state-dict order keeps layers together).</param>
    /// <param name="maxShardBytes">Largest shard in bytes of tensor data; default 5 GB, transformers' default.</param>
    /// <remarks>Each file is atomic; the folder as a whole is not: write to a fresh folder when a crash mid-save must leave the old checkpoint intact.</remarks>
    public static void WriteCheckpoint(string dir, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors, long maxShardBytes = 5_000_000_000)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (maxShardBytes <= 0)
        {
            throw new BardException($"maxShardBytes is {maxShardBytes}; it must be a positive number of bytes (default 5000000000).");
        }
        var all = tensors.ToList();
        if (all.Count == 0)
        {
            throw new BardException($"Nothing to save into checkpoint folder '{dir}': no tensors were given.");
        }
        var shards = CheckpointShards.Split(all, maxShardBytes);
        Directory.CreateDirectory(dir);
        var written = new HashSet<string>(StringComparer.Ordinal);
        if (shards.Count == 1)
        {
            Write(Path.Combine(dir, CheckpointTensors.SingleFileName), shards[0]);
            written.Add(CheckpointTensors.SingleFileName);
        }
        else
        {
            var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < shards.Count; i++)
            {
                var file = CheckpointShards.ShardFileName(i + 1, shards.Count);
                Write(Path.Combine(dir, file), shards[i]);
                written.Add(file);
                foreach (var (name, _) in shards[i])
                {
                    weightMap[name] = file;
                }
            }
            var totalSize = all.Sum(kv => kv.Value.NumberOfElements * kv.Value.ElementSize);
            var totalParameters = all.Sum(kv => kv.Value.NumberOfElements);
            var index = IndexJson.Serialize(totalParameters, totalSize, weightMap);
            AtomicFile.Write(Path.Combine(dir, CheckpointTensors.IndexFileName), stream => stream.Write(index));
            written.Add(CheckpointTensors.IndexFileName);
        }
        CheckpointShards.DeleteStale(dir, written);
    }

    private static List<(SafeTensorInfo Info, torch.Tensor Tensor)> Describe(string path, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var described = new List<(SafeTensorsDType DType, string Name, long[] Shape, torch.Tensor Tensor)>();
        foreach (var (name, tensor) in tensors)
        {
            if (name == "__metadata__" || string.IsNullOrEmpty(name))
            {
                throw new BardException($"Cannot save '{path}': '{name}' is not a usable tensor name. Fix: rename the tensor.");
            }
            if (!seen.Add(name))
            {
                throw new BardException($"Cannot save '{path}': tensor '{name}' is given twice. Fix: pass each name once (tied weights once, under the stored name).");
            }
            if (!SafeTensorsDTypes.TryFromScalarType(tensor.dtype, out var dtype))
            {
                throw new BardException($"Cannot save '{path}': tensor '{name}' is {tensor.dtype}, which safetensors cannot store (supported: {SafeTensorsDTypes.SupportedNames}). Fix: convert it first.");
            }
            described.Add((dtype, name, tensor.shape, tensor));
        }
        // The Rust crate's order: descending dtype (= descending alignment), then name, byte-wise.
        var ordered = described.OrderByDescending(d => d.DType.SerializationRank()).ThenBy(d => d.Name, StringComparer.Ordinal);
        var result = new List<(SafeTensorInfo, torch.Tensor)>();
        long offset = 0;
        foreach (var (dtype, name, shape, tensor) in ordered)
        {
            var length = shape.Aggregate(1L, (p, d) => p * d) * dtype.ElementSize();
            result.Add((new SafeTensorInfo(name, dtype, shape, offset, offset + length), tensor));
            offset += length;
        }
        return result;
    }
}
