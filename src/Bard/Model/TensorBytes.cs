using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;
using TorchSharp;

[assembly: InternalsVisibleTo("Bard.Tests")]

namespace Bard.Model;

/// <summary>
/// Copies raw bytes between files and contiguous CPU tensors without an intermediate managed array.
/// TorchSharp's <c>Tensor.bytes</c> getter returns a <see cref="Span{T}"/> over the tensor's own native memory
/// (its <c>data_ptr</c>, storage offset included) and refuses more than <see cref="int.MaxValue"/> bytes, so
/// larger tensors are handled through a flat view in chunks of whole elements (<c>view(-1).narrow(...)</c>).
/// </summary>
internal static class TensorBytes
{
    /// <summary>Default chunk: 1 GiB, well under the 2 GiB span limit and a multiple of every element size.</summary>
    internal const long DefaultChunkBytes = 1L << 30;

    /// <summary>Fills <paramref name="tensor"/> (contiguous, CPU) from the file at <paramref name="fileOffset"/>.</summary>
    /// <exception cref="EndOfStreamException">The file ended before the tensor was filled.</exception>
    internal static void Read(SafeFileHandle file, long fileOffset, torch.Tensor tensor, long chunkBytes = DefaultChunkBytes)
    {
        ForEachChunk(tensor, chunkBytes, (span, byteOffset) => ReadExactly(file, span, fileOffset + byteOffset));
    }

    /// <summary>Writes the bytes of <paramref name="tensor"/> (contiguous, CPU) to <paramref name="stream"/>.</summary>
    internal static void Write(Stream stream, torch.Tensor tensor, long chunkBytes = DefaultChunkBytes)
    {
        ForEachChunk(tensor, chunkBytes, (span, _) => stream.Write(span));
    }

    private delegate void ChunkAction(Span<byte> chunk, long byteOffset);

    private static void ForEachChunk(torch.Tensor tensor, long chunkBytes, ChunkAction action)
    {
        if (tensor.device_type != DeviceType.CPU || !tensor.is_contiguous())
        {
            throw new ArgumentException("raw byte access needs a contiguous CPU tensor", nameof(tensor));
        }
        var elementSize = tensor.ElementSize;
        var count = tensor.NumberOfElements;
        var total = count * elementSize;
        if (total == 0)
        {
            return; // an empty tensor may have no storage at all: never ask for its data pointer
        }
        var elementsPerChunk = Math.Max(1, Math.Min(chunkBytes, int.MaxValue) / elementSize);
        if (count <= elementsPerChunk)
        {
            action(tensor.bytes, 0);
            return;
        }
        using var flat = tensor.view(-1);
        for (long first = 0; first < count; first += elementsPerChunk)
        {
            using var part = flat.narrow(0, first, Math.Min(elementsPerChunk, count - first));
            action(part.bytes, first * elementSize);
        }
    }

    private static void ReadExactly(SafeFileHandle file, Span<byte> destination, long fileOffset)
    {
        while (!destination.IsEmpty)
        {
            var read = RandomAccess.Read(file, destination, fileOffset);
            if (read <= 0)
            {
                throw new EndOfStreamException($"the file ended at byte {fileOffset}, before the tensor was complete");
            }
            destination = destination[read..];
            fileOffset += read;
        }
    }
}
