using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using TorchSharp;

namespace Bard.Model;

/// <summary>
/// An open safetensors file: the validated header, and tensors read on demand with positional reads
/// (never the whole file, never memory-mapped), so multi-gigabyte checkpoints cost only the tensors asked for.
/// Every tensor returned is a fresh CPU tensor owned by the caller; nothing aliases a reused buffer.
/// Knows one file only; sharded checkpoints are <see cref="CheckpointTensors"/>. Safe to read from several
/// threads at once (reads are positional); not after <see cref="Dispose"/>.
/// </summary>
/// <remarks>Format: 8-byte little-endian header length N, N bytes of UTF-8 JSON, then the data section.</remarks>
public sealed class SafeTensorsFile : IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly long _dataStart;

    private SafeTensorsFile(string path, SafeFileHandle file, long dataStart, SafeTensorsHeader header)
    {
        Path = path;
        _file = file;
        _dataStart = dataStart;
        Tensors = header.Tensors.AsReadOnly();
        Metadata = header.Metadata.AsReadOnly();
    }

    /// <summary>The path the file was opened with.</summary>
    public string Path { get; }

    /// <summary>Header entries by tensor name.</summary>
    public IReadOnlyDictionary<string, SafeTensorInfo> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> (e.g. <c>format: pt</c>); empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens <paramref name="path"/> and validates its header against the file's length.</summary>
    /// <exception cref="BardException">
    /// The file is missing, shorter than 8 bytes, claims a header past its end or over 100 MB, or the header is not a
    /// valid safetensors header (see <see cref="SafeTensorsHeader"/> for the rules). The message names the file and tensor.
    /// </exception>
    public static SafeTensorsFile Open(string path)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors data is little-endian; Bard reads it on little-endian machines only");
        }
        SafeFileHandle file;
        try
        {
            file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new BardException($"Cannot open safetensors file '{path}': {e.Message} Fix: check the path.", e);
        }
        try
        {
            var length = RandomAccess.GetLength(file);
            if (length < 8)
            {
                throw Invalid(path, $"the file is {length} bytes long, shorter than the 8-byte header length", "the file is truncated or empty; re-download it");
            }
            Span<byte> prefix = stackalloc byte[8];
            ReadExactly(file, prefix, 0);
            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength > SafeTensorsHeader.MaxHeaderBytes)
            {
                throw Invalid(path, $"the header claims {headerLength} bytes, over the 100 MB limit", "the file is corrupt or not a safetensors file");
            }
            if ((long)headerLength > length - 8)
            {
                throw Invalid(path, $"the header claims {headerLength} bytes but only {length - 8} follow the length prefix", "the file is truncated; re-download it");
            }
            var json = new byte[headerLength];
            ReadExactly(file, json, 8);
            var dataStart = 8 + (long)headerLength;
            var header = SafeTensorsHeader.Parse(path, json, length - dataStart);
            return new SafeTensorsFile(path, file, dataStart, header);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The header entry of <paramref name="name"/>.</summary>
    /// <exception cref="BardException">No tensor of that name is in the file.</exception>
    public SafeTensorInfo Info(string name) =>
        Tensors.TryGetValue(name, out var info)
            ? info
            : throw new BardException($"Safetensors file '{Path}' has no tensor '{name}' (it holds {Tensors.Count} tensors). Fix: check the name against the file's header.");

    /// <summary>
    /// Reads tensor <paramref name="name"/> into a new contiguous CPU tensor of the stored type, converted to
    /// <paramref name="dtype"/> when given. The caller owns (and disposes) the result.
    /// </summary>
    /// <exception cref="BardException">Unknown name, a type TorchSharp cannot hold (U16, U32, U64), or the file shrank since it was opened.</exception>
    public torch.Tensor Load(string name, torch.ScalarType? dtype = null)
    {
        ObjectDisposedException.ThrowIf(_file.IsClosed, this);
        var info = Info(name);
        if (!info.DType.TryToScalarType(out var stored))
        {
            throw new BardException($"Safetensors file '{Path}': tensor '{name}' is {info.DType}, which TorchSharp cannot hold (no unsigned 16/32/64-bit tensors). Fix: convert the tensor to a signed or float type.");
        }
        var raw = torch.empty(info.Shape, stored, torch.CPU);
        try
        {
            TensorBytes.Read(_file, _dataStart + info.Begin, raw);
        }
        catch (EndOfStreamException e)
        {
            raw.Dispose();
            throw new BardException($"Safetensors file '{Path}': tensor '{name}' could not be read: {e.Message}. Fix: the file changed after it was opened; reopen it.", e);
        }
        catch
        {
            raw.Dispose();
            throw;
        }
        if (dtype is not { } target || target == stored)
        {
            return raw;
        }
        using (raw)
        {
            return raw.to(target);
        }
    }

    /// <summary>Closes the file. Tensors already loaded stay valid.</summary>
    public void Dispose() => _file.Dispose();

    private static void ReadExactly(SafeFileHandle file, Span<byte> destination, long offset)
    {
        while (!destination.IsEmpty)
        {
            var read = RandomAccess.Read(file, destination, offset);
            if (read <= 0)
            {
                throw new EndOfStreamException();
            }
            destination = destination[read..];
            offset += read;
        }
    }

    private static BardException Invalid(string path, string problem, string fix) =>
        new($"Invalid safetensors file '{path}': {problem}. Fix: {fix}.");
}
