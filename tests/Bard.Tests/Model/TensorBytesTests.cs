using Bard.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Tests.Model;

/// <summary>The chunked path (used above 1 GiB) exercised with tiny chunks.</summary>
public class TensorBytesTests
{
    [Theory]
    [InlineData(1L << 30)] // one chunk
    [InlineData(8)]        // 2 floats per chunk
    [InlineData(6)]        // not a multiple of the element size: 1 float per chunk
    [InlineData(1)]        // smaller than an element: still 1 float per chunk
    public void WriteThenRead_AnyChunkSize_SameBytes(long chunkBytes)
    {
        using var tmp = new TempDir();
        using var scope = NewDisposeScope();
        var source = arange(10, ScalarType.Float32).reshape(2, 5) + 0.25f;
        using (var stream = File.Create(tmp.File("raw")))
        {
            stream.Write(new byte[3]); // an odd offset, as a tensor may have in a file
            TensorBytes.Write(stream, source, chunkBytes);
        }
        Assert.Equal(3 + 40, new FileInfo(tmp.File("raw")).Length);

        var target = empty([2, 5], ScalarType.Float32);
        using (var handle = File.OpenHandle(tmp.File("raw")))
        {
            TensorBytes.Read(handle, 3, target, chunkBytes);
        }
        Assert.Equal(source.data<float>().ToArray(), target.data<float>().ToArray());
    }

    [Fact]
    public void Read_PastEndOfFile_ThrowsEndOfStream()
    {
        using var tmp = new TempDir();
        File.WriteAllBytes(tmp.File("raw"), new byte[6]);
        using var target = empty(2, ScalarType.Float32);
        using var handle = File.OpenHandle(tmp.File("raw"));
        Assert.Throws<EndOfStreamException>(() => TensorBytes.Read(handle, 0, target, chunkBytes: 4));
    }
}
