using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Tests;

/// <summary>Native libtorch loads from the build output (the GLIBCXX weakening worked) and computes.</summary>
public class NativeTorchTests
{
    [Fact]
    public void Matmul_OnCpu_MatchesHandComputedProduct()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        using var b = tensor(new float[] { 5, 6, 7, 8 }, [2, 2]);
        using var c = matmul(a, b);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, c.data<float>().ToArray());
    }
}
