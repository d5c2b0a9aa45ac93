using System.Buffers.Binary;
using System.Text;
using Bard.Model;
using TorchSharp;
using static Bard.Tests.Model.SafeTensorsTestFiles;
using static TorchSharp.torch;

namespace Bard.Tests.Model;

public class SafeTensorsWriterTests
{
    private static readonly Dictionary<string, string> NoMetadata = [];

    // Rows from the Rust safetensors crate's own serialization tests: the header text, its padded length.
    [Theory]
    [InlineData("attn.0", new long[] { 1, 2, 3 }, "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}", 64)]
    [InlineData("attn0", new long[] { 1, 1, 2, 3 }, "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ", 72)]
    public void Write_OneF32Tensor_BytesMatchReferenceImplementation(string name, long[] shape, string header, int headerLength)
    {
        using var tmp = new TempDir();
        using var values = arange(6, ScalarType.Float32).reshape(shape);
        SafeTensorsWriter.Write(tmp.File("x.safetensors"), [new(name, values)], NoMetadata);
        var bytes = File.ReadAllBytes(tmp.File("x.safetensors"));
        Assert.Equal((ulong)headerLength, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal(header, Encoding.UTF8.GetString(bytes, 8, headerLength));
        var data = bytes.AsSpan(8 + headerLength).ToArray();
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64 }, data); // 0f..5f
    }

    [Theory]
    [InlineData(false, "{}      ")]
    [InlineData(true, "{\"__metadata__\":{\"framework\":\"pt\"}}     ")]
    public void Write_NoTensors_HeaderOnly(bool withMetadata, string header)
    {
        using var tmp = new TempDir();
        var metadata = withMetadata ? new Dictionary<string, string> { ["framework"] = "pt" } : NoMetadata;
        SafeTensorsWriter.Write(tmp.File("e.safetensors"), [], metadata);
        var bytes = File.ReadAllBytes(tmp.File("e.safetensors"));
        Assert.Equal(8 + header.Length, bytes.Length);
        Assert.Equal((ulong)header.Length, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal(header, Encoding.UTF8.GetString(bytes, 8, header.Length));
    }

    [Theory]
    [InlineData("tiny-qwen3/model.safetensors", true)]
    [InlineData("tiny-qwen2/model.safetensors", true)]
    [InlineData("tiny-llama/model-00010-of-00010.safetensors", true)]
    [InlineData("tiny-qwen3/reference.safetensors", false)]
    public void Write_FixtureTensors_ReproducesTheFileTransformersWroteByteForByte(string fixture, bool ptMetadata)
    {
        using var tmp = new TempDir();
        using var file = SafeTensorsFile.Open(Fixture(fixture));
        using var scope = NewDisposeScope();
        // Reverse name order in: the writer's order must not depend on the input's.
        var tensors = file.Tensors.Keys.OrderDescending(StringComparer.Ordinal).Select(n => new KeyValuePair<string, Tensor>(n, file.Load(n))).ToList();
        SafeTensorsWriter.Write(tmp.File("out.safetensors"), tensors, ptMetadata ? null : NoMetadata);
        Assert.Equal(File.ReadAllBytes(Fixture(fixture)), File.ReadAllBytes(tmp.File("out.safetensors")));
    }

    [Fact]
    public void WriteThenLoad_EveryDtype_BitIdenticalIncludingSpecialBitPatterns()
    {
        using var tmp = new TempDir();
        using var scope = NewDisposeScope();
        // 16-bit floats set through raw bits: NaN with payload, -0, smallest subnormal, +inf, a plain value.
        var bf16 = empty(5, ScalarType.BFloat16);
        bf16.bytes = Bits16(0x7fc1, 0x8000, 0x0001, 0x7f80, 0x3fa2);
        var f16 = empty(5, ScalarType.Float16);
        f16.bytes = Bits16(0x7e01, 0x8000, 0x0001, 0x7c00, 0x2c28);
        var tensors = new Dictionary<string, Tensor>
        {
            ["bf16"] = bf16,
            ["f16"] = f16,
            ["f32"] = tensor(new[] { float.NaN, -0f, float.Epsilon, float.MaxValue, 0.1f }),
            ["f64"] = tensor(new[] { Math.PI, -0.0, double.Epsilon }),
            ["i64"] = tensor(new[] { long.MinValue, -1L, long.MaxValue }),
            ["i32"] = tensor(new[] { int.MinValue, 7 }, [2, 1]),
            ["i16"] = tensor(new short[] { -3, 300 }),
            ["i8"] = tensor(new sbyte[] { -128, 127, 0 }),
            ["u8"] = tensor(new byte[] { 255, 1 }),
            ["bool"] = tensor(new[] { true, false, true }),
            ["scalar"] = tensor(2.5f),
        };
        SafeTensorsWriter.Write(tmp.File("all.safetensors"), tensors);
        using var file = SafeTensorsFile.Open(tmp.File("all.safetensors"));
        Assert.Equal(tensors.Keys.Order(), file.Tensors.Keys.Order());
        Assert.Equal("pt", file.Metadata["format"]);
        var dataStart = new FileInfo(tmp.File("all.safetensors")).Length - file.Tensors.Values.Sum(t => t.ByteLength);
        foreach (var (name, expected) in tensors)
        {
            var actual = file.Load(name);
            Assert.Equal(expected.dtype, actual.dtype);
            Assert.Equal(expected.shape, actual.shape);
            Assert.True(expected.bytes.SequenceEqual(actual.bytes), $"{name}: bytes differ");
            // Each tensor starts at a multiple of its element size (the descending-alignment order).
            Assert.Equal(0, (dataStart + file.Tensors[name].Begin) % expected.ElementSize);
        }
    }

    [Fact]
    public void Write_SameTensorsTwice_IdenticalFiles()
    {
        using var tmp = new TempDir();
        using var scope = NewDisposeScope();
        manual_seed(3);
        var a = randn(4, 5);
        var b = randn(3).to(ScalarType.BFloat16);
        SafeTensorsWriter.Write(tmp.File("1.safetensors"), [new("a", a), new("b", b)]);
        SafeTensorsWriter.Write(tmp.File("2.safetensors"), [new("b", b), new("a", a)]);
        Assert.Equal(File.ReadAllBytes(tmp.File("1.safetensors")), File.ReadAllBytes(tmp.File("2.safetensors")));
    }

    [Fact]
    public void Write_NonContiguousTensor_StoresLogicalOrder()
    {
        using var tmp = new TempDir();
        using var scope = NewDisposeScope();
        var transposed = arange(6, ScalarType.Float32).reshape(2, 3).t(); // [3, 2], strides (1, 3)
        SafeTensorsWriter.Write(tmp.File("t.safetensors"), [new("t", transposed)]);
        using var file = SafeTensorsFile.Open(tmp.File("t.safetensors"));
        var loaded = file.Load("t");
        Assert.Equal([3L, 2], loaded.shape);
        Assert.Equal(new[] { 0f, 3, 1, 4, 2, 5 }, loaded.data<float>().ToArray());
    }

    [Fact]
    public void Write_OverExistingFile_ReplacesItAndLeavesNoTemporaryFiles()
    {
        using var tmp = new TempDir();
        using var scope = NewDisposeScope();
        File.WriteAllText(tmp.File("w.safetensors"), "old");
        SafeTensorsWriter.Write(tmp.File("w.safetensors"), [new("x", ones(2))]);
        Assert.Equal(["w.safetensors"], Directory.GetFiles(tmp.Path).Select(Path.GetFileName));
        using var file = SafeTensorsFile.Open(tmp.File("w.safetensors"));
        Assert.Equal([2L], file.Tensors["x"].Shape);
    }

    [Fact]
    public void AtomicWrite_FailingMidway_KeepsOldFileAndRemovesTemporary()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("w.safetensors"), "old");
        Assert.Throws<IOException>(() => AtomicFile.Write(tmp.File("w.safetensors"), stream =>
        {
            stream.Write("half a file"u8);
            throw new IOException("disk full");
        }));
        Assert.Equal("old", File.ReadAllText(tmp.File("w.safetensors")));
        Assert.Single(Directory.GetFiles(tmp.Path));
    }

    [Theory]
    [InlineData("dup", "tensor 'dup' is given twice")]
    [InlineData("__metadata__", "'__metadata__' is not a usable tensor name")]
    [InlineData("complex", "tensor 'complex' is ComplexFloat32, which safetensors cannot store")]
    public void Write_BadInput_ThrowsBeforeCreatingTheFile(string name, string fragment)
    {
        using var tmp = new TempDir();
        using var scope = NewDisposeScope();
        var tensors = new List<KeyValuePair<string, Tensor>> { new("dup", zeros(1)) };
        tensors.Add(new(name, name == "complex" ? zeros(1, ScalarType.ComplexFloat32) : zeros(1)));
        var e = Assert.Throws<BardException>(() => SafeTensorsWriter.Write(tmp.File("bad.safetensors"), tensors));
        Assert.Contains(tmp.File("bad.safetensors"), e.Message);
        Assert.Contains(fragment, e.Message);
        Assert.Empty(Directory.GetFiles(tmp.Path));
    }

    private static byte[] Bits16(params ushort[] words)
    {
        var bytes = new byte[words.Length * 2];
        for (var i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), words[i]);
        }
        return bytes;
    }
}
