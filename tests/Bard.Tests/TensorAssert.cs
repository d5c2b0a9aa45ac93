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

    /// <summary><see cref="Close"/> on every parameter of two models of the same shape, named by parameter.</summary>
    public static void CloseParameters(TorchSharp.torch.nn.Module expected, TorchSharp.torch.nn.Module actual, double atol)
    {
        var byName = actual.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in expected.named_parameters())
            Close(p.detach(), byName[name].detach(), atol, name);
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
