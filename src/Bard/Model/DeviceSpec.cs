using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Model;

/// <summary>The kind of device a model runs on.</summary>
public enum DeviceKind { Cpu, Cuda }

/// <summary>
/// Where tensors live: <c>cpu</c>, <c>cuda</c> (the first GPU) or <c>cuda:N</c>. A parsed, validated value
/// that the CLI's <c>--device</c> option produces; <see cref="Resolve"/> checks that the device can be used
/// and turns it into a TorchSharp <see cref="Device"/>. There is no process-wide default device: every model,
/// cache and batch is placed explicitly.
/// </summary>
public readonly record struct DeviceSpec(DeviceKind Kind, int Index)
{
    public static DeviceSpec Cpu => new(DeviceKind.Cpu, 0);

    /// <summary>The libtorch backend this build references (the <c>TorchBackend</c> build property: cpu, package or system).</summary>
    public static string TorchBackend =>
        typeof(DeviceSpec).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "TorchBackend")?.Value ?? "unknown";

    /// <summary>Parses <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> (case-insensitive); <paramref name="option"/> names the source in the error.</summary>
    public static DeviceSpec Parse(string text, string option = "--device")
    {
        string s = text.Trim().ToLowerInvariant();
        if (s == "cpu") return Cpu;
        if (s == "cuda") return new(DeviceKind.Cuda, 0);
        if (s.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(s.AsSpan(5), System.Globalization.NumberStyles.None, null, out int n))
            return new(DeviceKind.Cuda, n);
        throw new BardException($"{option} must be cpu, cuda or cuda:N (N = 0, 1, …), got '{text}'.");
    }

    public bool IsCuda => Kind == DeviceKind.Cuda;

    public override string ToString() => IsCuda ? $"cuda:{Index}" : "cpu";

    /// <summary>
    /// Whether libtorch can use CUDA here: loads TorchSharp's CUDA support (which needs a CUDA libtorch) and asks
    /// libtorch. Never throws; <paramref name="error"/> says why not.
    /// </summary>
    public static bool CudaAvailable(out string? error)
    {
        try
        {
            InitializeDeviceType(DeviceType.CUDA);
        }
        catch (Exception e)
        {
            // TorchSharp throws (NotSupportedException, TypeInitializationException, …) when no CUDA libtorch loads.
            error = e.Message.Trim();
            return false;
        }
        if (!cuda.is_available())
        {
            error = "libtorch loaded CUDA support but torch.cuda.is_available() is false (no GPU visible, or its driver is too old)";
            return false;
        }
        error = null;
        return true;
    }

    /// <summary>Whether CUDA is usable here; never throws.</summary>
    public static bool CudaAvailable() => CudaAvailable(out _);

    /// <summary>
    /// The TorchSharp device, after checking it can be used. For CUDA that means initialising it; when that
    /// fails the <see cref="BardException"/> names what was searched (LD_LIBRARY_PATH, the TorchBackend this
    /// build used) and how to fix it (docs/backends.md).
    /// </summary>
    public Device Resolve(string option = "--device")
    {
        if (!IsCuda) return CPU;
        if (!CudaAvailable(out var error))
            throw new BardException(UnavailableMessage(option, error));
        int count = cuda.device_count();
        if (Index >= count)
            throw new BardException($"{option} {this}: this machine has {count} CUDA device(s) (cuda:0 … cuda:{count - 1}). Pick one of them.");
        return new Device(DeviceType.CUDA, Index);
    }

    string UnavailableMessage(string option, string? error)
    {
        string ld = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") is { Length: > 0 } p ? p : "(unset)";
        return $"{option} {this}: CUDA could not be initialised ({error}). Searched: the libtorch this build references "
            + $"(TorchBackend={TorchBackend}) and LD_LIBRARY_PATH={ld}. Fix: build with -p:TorchBackend=system and put the "
            + "torch/lib folder of a CUDA PyTorch install on LD_LIBRARY_PATH, or build with -p:TorchBackend=package and a CUDA "
            + "libtorch package (-p:TorchBackendPackage=…); see docs/backends.md. Or run with --device cpu.";
    }
}
