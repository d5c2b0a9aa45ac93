using Bard.Model;
using Bard.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Tests.Training;

public class PrecisionChoiceTests
{
    // First lines of real /proc/cpuinfo files, flags cut to the ones that matter plus neighbours.
    const string Zen2 = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 23\nmodel\t\t: 49\nmodel name\t: AMD EPYC 7B12\n"
        + "flags\t\t: fpu vme de pse sse sse2 ssse3 fma cx16 sse4_1 sse4_2 avx f16c avx2 bmi2\n\nprocessor\t: 1\nmodel name\t: other\nflags\t\t: avx512_bf16\n";
    const string Zen4 = "model name\t: AMD EPYC 9B14\nflags\t\t: fpu sse2 avx avx2 avx512f avx512dq avx512_bf16 avx512_vnni\n";
    const string SapphireRapids = "model name\t: Intel(R) Xeon(R) Platinum 8481C\nflags\t\t: avx2 avx512f avx512_bf16 amx_bf16 amx_tile amx_int8\n";
    const string Arm = "processor\t: 0\nBogoMIPS\t: 243.75\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics bf16\n";

    [Fact]
    public void Parse_ReadsTheFirstProcessorsModelAndFlags()
    {
        var zen2 = CpuInfo.Parse(Zen2);
        Assert.Equal("AMD EPYC 7B12", zen2.Model);
        Assert.Contains("avx2", zen2.Flags);
        Assert.DoesNotContain("avx512_bf16", zen2.Flags); // the second processor's line is not read
        Assert.False(zen2.Avx512 || zen2.Avx512Bf16 || zen2.Amx || zen2.NativeBf16);
        Assert.Equal("AMD EPYC 7B12 (AVX2; no native bf16)", zen2.Describe());

        var zen4 = CpuInfo.Parse(Zen4);
        Assert.True(zen4.Avx512 && zen4.Avx512Bf16 && zen4.NativeBf16 && !zen4.Amx);
        Assert.Equal("AMD EPYC 9B14 (AVX-512, AVX512-BF16)", zen4.Describe());

        var spr = CpuInfo.Parse(SapphireRapids);
        Assert.True(spr.Amx && spr.NativeBf16);
        Assert.Equal("Intel(R) Xeon(R) Platinum 8481C (AMX, AVX-512, AVX512-BF16)", spr.Describe());

        // Arm's bf16 extension is listed but not trusted for libtorch's CPU matmul: auto stays fp32 there.
        var arm = CpuInfo.Parse(Arm);
        Assert.Equal("unknown", arm.Model);
        Assert.Contains("bf16", arm.Flags);
        Assert.False(arm.NativeBf16);
    }

    [Fact]
    public void Read_MissingOrEmptyFile_IsAnUnknownCpuWithoutFlags()
    {
        using var tmp = new TempDir();
        var missing = CpuInfo.Read(Path.Combine(tmp.Path, "cpuinfo"));
        Assert.Equal("unknown", missing.Model);
        Assert.Empty(missing.Flags);
        File.WriteAllText(Path.Combine(tmp.Path, "empty"), "");
        Assert.False(CpuInfo.Read(Path.Combine(tmp.Path, "empty")).NativeBf16);
    }

    [Fact]
    public void Resolve_AutoIsBf16OnlyWhereTheHardwareComputesIt()
    {
        var zen2 = CpuInfo.Parse(Zen2);
        var zen4 = CpuInfo.Parse(Zen4);
        var spr = CpuInfo.Parse(SapphireRapids);
        Assert.Equal(Precision.Fp32, PrecisionChoice.Resolve(Precision.Auto, DeviceType.CPU, cpu: zen2));
        Assert.Equal(Precision.Bf16, PrecisionChoice.Resolve(Precision.Auto, DeviceType.CPU, cpu: zen4));
        Assert.Equal(Precision.Bf16, PrecisionChoice.Resolve(Precision.Auto, DeviceType.CPU, cpu: spr));
        Assert.Equal(Precision.Bf16, PrecisionChoice.Resolve(Precision.Auto, DeviceType.CUDA, cpu: zen2));
        // A float64 model (numerical checks) never gets a bf16 copy, whatever the hardware.
        Assert.Equal(Precision.Fp32, PrecisionChoice.Resolve(Precision.Auto, DeviceType.CUDA, ScalarType.Float64, spr));
        // Explicit choices are kept as asked, also where they are slow.
        Assert.Equal(Precision.Bf16, PrecisionChoice.Resolve(Precision.Bf16, DeviceType.CPU, cpu: zen2));
        Assert.Equal(Precision.Fp32, PrecisionChoice.Resolve(Precision.Fp32, DeviceType.CPU, cpu: spr));
    }

    [Fact]
    public void Explain_NamesTheChoiceAndWhy_OnlyForAuto()
    {
        var zen2 = CpuInfo.Parse(Zen2);
        Assert.Equal("precision auto → fp32 (AMD EPYC 7B12 (AVX2; no native bf16))", PrecisionChoice.Explain(Precision.Auto, DeviceType.CPU, cpu: zen2));
        Assert.Equal("precision auto → bf16 (CUDA)", PrecisionChoice.Explain(Precision.Auto, DeviceType.CUDA));
        Assert.Null(PrecisionChoice.Explain(Precision.Bf16, DeviceType.CPU, cpu: zen2));
    }

    [Theory]
    [InlineData("fp32", Precision.Fp32)]
    [InlineData("BF16", Precision.Bf16)]
    [InlineData(" auto ", Precision.Auto)]
    public void Parse_CliSpellings(string text, Precision expected) => Assert.Equal(expected, PrecisionChoice.Parse(text));

    [Fact]
    public void Parse_Unknown_IsNull() => Assert.Null(PrecisionChoice.Parse("fp16"));

    [Fact]
    public void ConfigFiles_ReadAndWriteAuto_AndRefuseAnUndefinedValue()
    {
        var sft = System.Text.Json.JsonSerializer.Deserialize<SftConfig>("{\"precision\": \"auto\"}", ConfigJson.Options)!;
        Assert.Equal(Precision.Auto, sft.Precision);
        Assert.Contains("\"auto\"", ConfigJson.Serialize(sft));
        var rl = Bard.Rl.RlConfig.FromJson("{\"precision\": \"auto\"}");
        Assert.Equal(Precision.Auto, rl.Precision);
        var e = Assert.Throws<BardException>(() => (new SftConfig { Precision = (Precision)7 }).Validate());
        Assert.Contains("Precision", e.Message);
    }
}
