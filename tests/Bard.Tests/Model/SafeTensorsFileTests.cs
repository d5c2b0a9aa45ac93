using System.Text;
using Bard.Model;
using TorchSharp;
using static Bard.Tests.Model.SafeTensorsTestFiles;

namespace Bard.Tests.Model;

public class SafeTensorsFileTests
{
    [Fact]
    public void Open_Qwen3Bf16Fixture_HeaderMatchesFile()
    {
        using var file = SafeTensorsFile.Open(Fixture("tiny-qwen3/model.safetensors"));
        Assert.Equal(24, file.Tensors.Count);
        Assert.Equal("pt", file.Metadata["format"]);
        var embed = file.Tensors["model.embed_tokens.weight"];
        Assert.Equal(SafeTensorsDType.BF16, embed.DType);
        Assert.Equal([1024L, 128], embed.Shape);
        Assert.Equal((0L, 262144L), (embed.Begin, embed.End));
        var norm = file.Info("model.norm.weight");
        Assert.Equal([128L], norm.Shape);
        Assert.Equal((853248L, 853504L), (norm.Begin, norm.End));
        Assert.All(file.Tensors.Values, t => Assert.Equal(SafeTensorsDType.BF16, t.DType));
    }

    [Fact]
    public void Load_Qwen3Bf16_RawBitsEqualFileAndFloat32EqualsConvertedRaw()
    {
        using var file = SafeTensorsFile.Open(Fixture("tiny-qwen3/model.safetensors"));
        using var raw = file.Load("model.embed_tokens.weight");
        using var f32 = file.Load("model.embed_tokens.weight", torch.ScalarType.Float32);
        using var converted = raw.to(torch.ScalarType.Float32);
        Assert.Equal(torch.ScalarType.BFloat16, raw.dtype);
        Assert.Equal([1024L, 128], raw.shape);
        // First four bf16 words of the file: 0xbdde 0xbd97 0xbde0 0xbe30 (little-endian bytes).
        Assert.Equal(new byte[] { 0xde, 0xbd, 0x97, 0xbd, 0xe0, 0xbd, 0x30, 0xbe }, raw.bytes[..8].ToArray());
        // The same words as floats: bf16 is the top half of a float32 (0xbdde0000 = -0.1083984375, ...).
        Assert.Equal(new[] { -0.1083984375f, -0.07373046875f, -0.109375f, -0.171875f }, f32.data<float>().Take(4).ToArray());
        Assert.Equal(torch.ScalarType.Float32, f32.dtype);
        Assert.True(f32.equal(converted).all().item<bool>());
    }

    [Fact]
    public void Load_EveryQwen3Tensor_BytesEqualFileSlice()
    {
        var path = Fixture("tiny-qwen3/model.safetensors");
        var bytes = File.ReadAllBytes(path);
        var dataStart = 8 + (int)BitConverter.ToUInt64(bytes, 0);
        using var file = SafeTensorsFile.Open(path);
        foreach (var info in file.Tensors.Values)
        {
            using var tensor = file.Load(info.Name);
            Assert.Equal(info.Shape, tensor.shape);
            Assert.True(bytes.AsSpan(dataStart + (int)info.Begin, (int)info.ByteLength).SequenceEqual(tensor.bytes), info.Name);
        }
    }

    [Fact]
    public void Load_Qwen2F16_ValuesMatchHalfDecoding()
    {
        using var file = SafeTensorsFile.Open(Fixture("tiny-qwen2/model.safetensors"));
        Assert.Equal(SafeTensorsDType.F16, file.Tensors["lm_head.weight"].DType);
        Assert.Equal([64L], file.Tensors["model.layers.0.self_attn.k_proj.bias"].Shape);
        using var raw = file.Load("model.embed_tokens.weight");
        using var f32 = file.Load("model.embed_tokens.weight", torch.ScalarType.Float32);
        using var converted = raw.to(torch.ScalarType.Float32);
        Assert.Equal(torch.ScalarType.Float16, raw.dtype);
        // f16 words 0x2c28 0x2cd0 0x3294 0xaa15.
        Assert.Equal(new[] { 0.06494140625f, 0.0751953125f, 0.20556640625f, -0.047515869140625f }, f32.data<float>().Take(4).ToArray());
        Assert.True(f32.equal(converted).all().item<bool>());
    }

    [Fact]
    public void Open_ReferenceFile_MixedDtypesNoMetadata()
    {
        using var file = SafeTensorsFile.Open(Fixture("tiny-qwen3/reference.safetensors"));
        Assert.Empty(file.Metadata);
        Assert.Equal(SafeTensorsDType.I64, file.Tensors["input_ids"].DType);
        Assert.Equal([2L, 48], file.Tensors["input_ids"].Shape);
        Assert.Equal(SafeTensorsDType.F32, file.Tensors["logits"].DType);
        Assert.Equal([2L, 48, 1024], file.Tensors["logits"].Shape);
        using var ids = file.Load("input_ids");
        Assert.Equal(new long[] { 577, 521, 98, 179, 88, 238 }, ids.data<long>().Take(6).ToArray());
    }

    [Fact]
    public void Open_EdgeCases_EmptyScalarAndZeroSizeTensors()
    {
        using var dir = new TempDir();
        // A scalar (shape []) holds one element; a [0, 3] tensor holds none and may sit anywhere in the tiling.
        var header = "{\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},\"z\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[4,4]}}";
        var bytes = Build(header, 4);
        BitConverter.GetBytes(2.5f).CopyTo(bytes, bytes.Length - 4);
        using var file = SafeTensorsFile.Open(Write(dir, "edge.safetensors", bytes));
        using var scalar = file.Load("s");
        using var empty = file.Load("z", torch.ScalarType.BFloat16);
        Assert.Empty(scalar.shape);
        Assert.Equal(2.5f, scalar.item<float>());
        Assert.Equal([0L, 3], empty.shape);
        Assert.Equal(torch.ScalarType.BFloat16, empty.dtype);

        using var nothing = SafeTensorsFile.Open(Write(dir, "empty.safetensors", Build("{}      ", 0)));
        Assert.Empty(nothing.Tensors);
    }

    [Fact]
    public void Load_UnknownNameOrUnsignedDtype_ThrowsNamingFileAndTensor()
    {
        using var dir = new TempDir();
        var path = Write(dir, "u16.safetensors", Build("{\"u\":{\"dtype\":\"U16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4));
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(SafeTensorsDType.U16, file.Tensors["u"].DType);
        var unsigned = Assert.Throws<BardException>(() => file.Load("u"));
        Assert.Contains(path, unsigned.Message);
        Assert.Contains("'u' is U16", unsigned.Message);
        var unknown = Assert.Throws<BardException>(() => file.Load("nope"));
        Assert.Contains("no tensor 'nope'", unknown.Message);
    }

    [Fact]
    public void Load_TwiceFromOneFile_ReturnsIndependentTensors()
    {
        using var file = SafeTensorsFile.Open(Fixture("tiny-llama/model-00001-of-00010.safetensors"));
        using var first = file.Load("model.embed_tokens.weight");
        using var second = file.Load("model.embed_tokens.weight");
        first.zero_();
        Assert.Equal(-0.2559973895549774f, second.data<float>()[0]);
    }

    public static TheoryData<string, int, string> MalformedHeaders => new()
    {
        // header, data bytes, fragment the message must contain
        { "{\"a\":", 0, "the header is not valid JSON (" },
        { "[1,2]", 0, "not an object" },
        { "{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2, "unknown or unsupported dtype 'F8_E4M3' (supported: BOOL, U8, I8" },
        { "{\"w\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "unknown or unsupported dtype 'f32'" },
        { "{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "missing string field 'dtype'" },
        { "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1,2],\"data_offsets\":[0,4]}}", 4, "shape [-1,2] has a negative dimension" },
        { "{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4, "is not an integer" },
        { "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4, "data_offsets must be two non-negative integers [begin, end], found [0]" },
        { "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,\"4\"]}}", 4, "data_offsets must be two non-negative integers" },
        { "{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "found nothing" },
        { "{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}}", 4, "data_offsets [4, 0] end before they begin" },
        { "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8, "data_offsets [0, 16] reach past the end of the data section (8 bytes)" },
        { "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "data_offsets [0, 8] hold 8 bytes, but shape [3] of F32 needs 12" },
        { "{\"w\":{\"dtype\":\"BF16\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}", 8, "overflows a 64-bit byte count" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "tensors 'a' [0, 8] and 'b' [4, 12] overlap" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12, "bytes [4, 8) of the data section, before tensor 'b', belong to no tensor (a gap)" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8, "bytes [4, 8) at the end of the data section belong to no tensor" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "tensor 'a' appears twice" },
        { "{\"__metadata__\":{\"format\":1}}", 0, "entry 'format' is a JSON Number; safetensors metadata values must be strings" },
        { "{\"a\":[1]}", 0, "tensor 'a': entry is a JSON Array" },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void Open_MalformedHeader_ThrowsNamingFileAndProblem(string header, int dataBytes, string fragment)
    {
        using var dir = new TempDir();
        var path = Write(dir, "bad.safetensors", Build(header, dataBytes));
        var e = Assert.Throws<BardException>(() => SafeTensorsFile.Open(path));
        Assert.Contains($"Invalid safetensors file '{path}'", e.Message);
        Assert.Contains(fragment, e.Message);
        Assert.Contains("Fix:", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void Open_ShorterThanEightBytes_Throws(int length)
    {
        using var dir = new TempDir();
        var path = Write(dir, "short.safetensors", new byte[length]);
        var e = Assert.Throws<BardException>(() => SafeTensorsFile.Open(path));
        Assert.Contains(path, e.Message);
        Assert.Contains($"the file is {length} bytes long, shorter than the 8-byte header length", e.Message);
    }

    [Fact]
    public void Open_HeaderLengthBeyondFile_Throws()
    {
        using var dir = new TempDir();
        var path = Write(dir, "long.safetensors", Build(Encoding.UTF8.GetBytes("{}"), claimedLength: 1000, dataBytes: 0));
        var e = Assert.Throws<BardException>(() => SafeTensorsFile.Open(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("the header claims 1000 bytes but only 2 follow", e.Message);
    }

    [Fact]
    public void Open_HeaderOver100MB_ThrowsWithoutReadingIt()
    {
        using var dir = new TempDir();
        var path = Write(dir, "huge.safetensors", Build(Encoding.UTF8.GetBytes("{}"), claimedLength: 100_000_001, dataBytes: 0));
        var e = Assert.Throws<BardException>(() => SafeTensorsFile.Open(path));
        Assert.Contains("the header claims 100000001 bytes, over the 100 MB limit", e.Message);
    }

    [Fact]
    public void Open_HeaderNotUtf8_Throws()
    {
        using var dir = new TempDir();
        var header = new byte[] { (byte)'{', (byte)'"', 0xff, 0xfe, (byte)'"', (byte)':', (byte)'1', (byte)'}' };
        var path = Write(dir, "latin.safetensors", Build(header, (ulong)header.Length, 0));
        Assert.Contains("the header is not valid UTF-8.", Assert.Throws<BardException>(() => SafeTensorsFile.Open(path)).Message);
    }

    [Fact]
    public void Open_MissingFile_ThrowsBardException()
    {
        using var dir = new TempDir();
        var path = dir.File("absent.safetensors");
        Assert.Contains(path, Assert.Throws<BardException>(() => SafeTensorsFile.Open(path)).Message);
    }
}
