using static TorchSharp.torch;

namespace Bard.Model;

/// <summary>The dtypes the trainers keep master weights in, and the promotion of reduced-precision values for losses.</summary>
public static class Precisions
{
    /// <summary>
    /// Float32 (every real run) or float64 (numerical checks: there the trainers' equivalences — accumulation,
    /// recomputation, resume — hold to ~1e-12 on any CPU, where float32 rounding depends on the kernels).
    /// </summary>
    public static bool IsMasterDType(ScalarType dtype) => dtype is ScalarType.Float32 or ScalarType.Float64;

    /// <summary><paramref name="t"/> in float32, or as it is when already float64 (losses and log-probs never lose precision).</summary>
    public static Tensor ToFloat32OrWider(this Tensor t) => t.to(t.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32);
}
