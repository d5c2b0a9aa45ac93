using System.Buffers.Binary;
using System.Text;

namespace Bard.Tests.Model;

/// <summary>Hand-built safetensors files for the malformed-file tests, and fixture paths.</summary>
internal static class SafeTensorsTestFiles
{
    /// <summary>A file of a Hugging Face fixture, e.g. <c>tiny-qwen3/model.safetensors</c>.</summary>
    public static string Fixture(string relative) => Path.Combine(Fixtures.Path("hf"), relative);

    /// <summary>8-byte little-endian length, <paramref name="header"/> as UTF-8, then <paramref name="dataBytes"/> bytes 0, 1, 2, ...</summary>
    public static byte[] Build(string header, int dataBytes) =>
        Build(Encoding.UTF8.GetBytes(header), (ulong)Encoding.UTF8.GetByteCount(header), dataBytes);

    /// <summary>Like <see cref="Build(string, int)"/> with a length prefix that may lie.</summary>
    public static byte[] Build(byte[] header, ulong claimedLength, int dataBytes)
    {
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, claimedLength);
        header.CopyTo(bytes, 8);
        for (var i = 0; i < dataBytes; i++)
        {
            bytes[8 + header.Length + i] = (byte)i;
        }
        return bytes;
    }

    public static string Write(TempDir dir, string name, byte[] bytes)
    {
        var path = dir.File(name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }
}
