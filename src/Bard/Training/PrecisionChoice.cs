using Bard.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Training;

/// <summary>Turns a configured <see cref="Precision"/> into the one a run computes in, and says why.</summary>
public static class PrecisionChoice
{
    /// <summary>
    /// <see cref="Precision.Fp32"/> and <see cref="Precision.Bf16"/> as asked. <see cref="Precision.Auto"/>: Fp32 for a float64
    /// model (numerical checks); Bf16 on CUDA; on a CPU, Bf16 iff <paramref name="cpu"/> (default: this machine's) computes bf16
    /// in hardware (<see cref="CpuInfo.NativeBf16"/>), else Fp32.
    /// </summary>
    public static Precision Resolve(Precision requested, DeviceType device, ScalarType masterDType = ScalarType.Float32, CpuInfo? cpu = null)
    {
        if (requested != Precision.Auto) return requested;
        if (masterDType == ScalarType.Float64) return Precision.Fp32;
        if (device == DeviceType.CUDA) return Precision.Bf16;
        return (cpu ?? CpuInfo.Current).NativeBf16 ? Precision.Bf16 : Precision.Fp32;
    }

    /// <summary>A log line for a resolved <see cref="Precision.Auto"/>, e.g. "precision auto → fp32 (AMD EPYC 7B12 (AVX2; no native bf16))"; null when nothing was chosen.</summary>
    public static string? Explain(Precision requested, DeviceType device, ScalarType masterDType = ScalarType.Float32, CpuInfo? cpu = null)
    {
        if (requested != Precision.Auto) return null;
        var chosen = Resolve(requested, device, masterDType, cpu);
        string why = masterDType == ScalarType.Float64 ? "a float64 model" : device == DeviceType.CUDA ? "CUDA" : (cpu ?? CpuInfo.Current).Describe();
        return $"precision auto → {Name(chosen)} ({why})";
    }

    /// <summary>The config-file spelling: fp32, bf16 or auto.</summary>
    public static string Name(Precision p) => p switch { Precision.Fp32 => "fp32", Precision.Bf16 => "bf16", _ => "auto" };

    /// <summary>Parses fp32, bf16 or auto (a CLI value); null for anything else.</summary>
    public static Precision? Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "fp32" => Precision.Fp32, "bf16" => Precision.Bf16, "auto" => Precision.Auto, _ => null,
    };
}
