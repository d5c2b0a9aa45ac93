using static TorchSharp.torch;

namespace Bard.Tests;

/// <summary>Tensor comparisons whose failures print the numbers that differ.</summary>
public static class TensorAssert
{
    public static void Close(Tensor expected, Tensor actual, double atol, string what)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape),
            $"{what}: shape [{string.Join(",", actual.shape)}] differs from expected [{string.Join(",", expected.shape)}]");
        using var e = expected.to(ScalarType.Float64);
        using var a = actual.to(ScalarType.Float64);
        using var diff = (e - a).abs();
        double max = diff.max().item<double>();
        if (!(max <= atol))
        {
            long at = diff.flatten().argmax().item<long>();
            double ev = e.flatten()[at].item<double>(), av = a.flatten()[at].item<double>();
            Assert.Fail($"{what}: max |diff| {max:E3} > {atol:E1} at flat index {at} (expected {ev:R}, got {av:R})");
        }
    }

    public static void Equal(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape),
            $"{what}: shape [{string.Join(",", actual.shape)}] differs from expected [{string.Join(",", expected.shape)}]");
        Assert.True(expected.dtype == actual.dtype, $"{what}: dtype {actual.dtype} differs from expected {expected.dtype}");
        // Bit for bit: raw bytes, so that -0.0 vs 0.0 and NaN payloads count too.
        if (!expected.contiguous().bytes.SequenceEqual(actual.contiguous().bytes))
        {
            using var diff = (expected.to(ScalarType.Float64) - actual.to(ScalarType.Float64)).abs();
            Assert.Fail($"{what}: tensors differ (max |diff| {diff.max().item<double>():E3})");
        }
    }

    public static long[] Longs(Tensor t) => t.to(ScalarType.Int64).data<long>().ToArray();
}
