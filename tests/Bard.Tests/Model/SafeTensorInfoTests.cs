using Bard.Model;

namespace Bard.Tests.Model;

public class SafeTensorInfoTests
{
    [Theory]
    [InlineData(new long[] { 1024, 128 }, 131072, "[1024, 128]")]
    [InlineData(new long[] { }, 1, "[]")]
    [InlineData(new long[] { 3, 0, 5 }, 0, "[3, 0, 5]")]
    public void ElementCountAndShapeText_FromShape(long[] shape, long count, string text)
    {
        var info = new SafeTensorInfo("w", SafeTensorsDType.F32, shape, 8, 8 + 4 * count);
        Assert.Equal(count, info.ElementCount);
        Assert.Equal(4 * count, info.ByteLength);
        Assert.Equal(text, info.ShapeText);
    }

    [Fact]
    public void Equality_ComparesShapeValues()
    {
        var a = new SafeTensorInfo("w", SafeTensorsDType.BF16, [2, 3], 0, 12);
        Assert.Equal(a, new SafeTensorInfo("w", SafeTensorsDType.BF16, [2, 3], 0, 12));
        Assert.Equal(a.GetHashCode(), new SafeTensorInfo("w", SafeTensorsDType.BF16, [2, 3], 0, 12).GetHashCode());
        Assert.NotEqual(a, new SafeTensorInfo("w", SafeTensorsDType.BF16, [3, 2], 0, 12));
        Assert.NotEqual(a, a with { DType = SafeTensorsDType.F16 });
        Assert.Contains("Shape = [2, 3]", a.ToString());
    }
}
