using Bard.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Tests.Model;

public class DeviceSpecTests
{
    [Theory]
    [InlineData("cpu", DeviceKind.Cpu, 0, "cpu")]
    [InlineData("CPU", DeviceKind.Cpu, 0, "cpu")]
    [InlineData("cuda", DeviceKind.Cuda, 0, "cuda:0")]
    [InlineData("cuda:0", DeviceKind.Cuda, 0, "cuda:0")]
    [InlineData(" cuda:3 ", DeviceKind.Cuda, 3, "cuda:3")]
    public void Parse_ValidText_GivesKindIndexAndCanonicalName(string text, DeviceKind kind, int index, string canonical)
    {
        var d = DeviceSpec.Parse(text);
        Assert.Equal(new DeviceSpec(kind, index), d);
        Assert.Equal(canonical, d.ToString());
        Assert.Equal(d, DeviceSpec.Parse(d.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("cuda0")]
    [InlineData("mps")]
    public void Parse_BadText_ThrowsNamingOptionAndChoices(string text)
    {
        var e = Assert.Throws<BardException>(() => DeviceSpec.Parse(text, "--device"));
        Assert.Contains("--device", e.Message);
        Assert.Contains("cpu, cuda or cuda:N", e.Message);
        Assert.Contains($"'{text}'", e.Message);
    }

    [Fact]
    public void Resolve_Cpu_GivesTheCpuDevice()
    {
        var device = DeviceSpec.Cpu.Resolve();
        Assert.Equal(DeviceType.CPU, device.type);
    }

    [Fact]
    public void TorchBackend_IsTheBuildProperty()
    {
        // The tests build with the default backend (docs/backends.md).
        Assert.Contains(DeviceSpec.TorchBackend, new[] { "cpu", "package", "system" });
    }

    [NoCudaFact]
    public void Resolve_CudaWithoutCuda_ThrowsNamingWhatWasSearchedAndTheFix()
    {
        var e = Assert.Throws<BardException>(() => DeviceSpec.Parse("cuda:0").Resolve("--device"));
        Assert.Contains("--device cuda:0", e.Message);
        Assert.Contains("LD_LIBRARY_PATH", e.Message);
        Assert.Contains($"TorchBackend={DeviceSpec.TorchBackend}", e.Message);
        Assert.Contains("docs/backends.md", e.Message);
        Assert.False(DeviceSpec.CudaAvailable());
    }

    [CudaFact]
    public void Resolve_CudaOnCudaMachine_GivesCudaDeviceAndRefusesMissingIndex()
    {
        var device = DeviceSpec.Parse("cuda").Resolve();
        Assert.Equal(DeviceType.CUDA, device.type);
        Assert.Throws<BardException>(() => new DeviceSpec(DeviceKind.Cuda, 1000).Resolve());
    }
}
