using Bard.Model;

namespace Bard.Tests;

/// <summary>
/// A test that needs a CUDA device: reported as skipped (not passed) where CUDA cannot be initialised.
/// Availability is checked once, at discovery.
/// </summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!CudaProbe.Available) Skip = $"no CUDA: {CudaProbe.Error}";
    }
}

/// <summary>A test of the behaviour without CUDA (the clear error): skipped on a machine where CUDA works.</summary>
public sealed class NoCudaFactAttribute : FactAttribute
{
    public NoCudaFactAttribute()
    {
        if (CudaProbe.Available) Skip = "CUDA is available here; this test checks the error without it";
    }
}

static class CudaProbe
{
    static readonly Lazy<(bool, string?)> probe = new(() => (DeviceSpec.CudaAvailable(out var e), e));
    public static bool Available => probe.Value.Item1;
    public static string? Error => probe.Value.Item2;
}
