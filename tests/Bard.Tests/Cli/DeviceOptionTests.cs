using System.Text.Json;
using Bard.Cli;

namespace Bard.Tests.Cli;

/// <summary>The shared --device option of the model commands, and `bard bench`.</summary>
public class DeviceOptionTests
{
    static (int Code, string Out, string Err) Run(params string[] args) => CliRun.Run(args);

    [Fact]
    public void Generate_DeviceCpu_SameAsDefault()
    {
        string[] args = ["generate", "--model", Fixtures.Hf("tiny-qwen3"), "--ids", "1,2,3", "--max-new-tokens", "4", "--stop-ids", "none"];
        var plain = Run(args);
        var onCpu = Run([.. args, "--device", "cpu"]);
        Assert.True(plain.Code == 0 && onCpu.Code == 0, plain.Err + onCpu.Err);
        Assert.Equal(plain.Out, onCpu.Out);
    }

    [Theory]
    [InlineData("generate")]
    [InlineData("score")]
    public void ModelCommand_BadDevice_FailsNamingTheOption(string command)
    {
        var (code, _, err) = Run(command, "--model", Fixtures.Hf("tiny-qwen3"), "--ids", "1,2,3", "--device", "gpu0");
        Assert.NotEqual(0, code);
        Assert.Contains("--device must be cpu, cuda or cuda:N", err);
    }

    [NoCudaFact]
    public void Generate_DeviceCudaWithoutCuda_FailsWithTheFix()
    {
        var (code, _, err) = Run("generate", "--model", Fixtures.Hf("tiny-qwen3"), "--ids", "1,2,3", "--device", "cuda");
        Assert.NotEqual(0, code);
        Assert.Contains("LD_LIBRARY_PATH", err);
        Assert.Contains("docs/backends.md", err);
    }

    [NoCudaFact]
    public void Demo_DeviceCudaWithoutCuda_FailsWithTheFixBeforeWritingAnything()
    {
        string dir = Path.Combine(Path.GetTempPath(), "bard-demo-cuda-" + Guid.NewGuid().ToString("N")[..8]);
        var (code, _, err) = Run("demo", "--quick", "--device", "cuda", "--out", dir);
        Assert.NotEqual(0, code);
        Assert.Contains("LD_LIBRARY_PATH", err);
        Assert.False(Directory.Exists(dir), "the demo started before checking the device");
    }

    [NoCudaFact]
    public void Bench_DeviceCudaWithoutCuda_PrintsSkippedAndSucceeds()
    {
        var (code, stdout, err) = Run("bench", "--device", "cuda", "--sizes", "tiny");
        Assert.True(code == 0, err);
        Assert.Contains("skipped: no CUDA", err);
        Assert.StartsWith("no CUDA", JsonDocument.Parse(stdout).RootElement.GetProperty("skipped").GetString());
    }

    [Fact]
    public void Bench_TinyShapeOnCpu_PrintsSftAndDecodeThroughput()
    {
        var (code, stdout, err) = Run("bench", "--device", "cpu", "--sizes", "tiny", "--seq-len", "32", "--batch-size", "2", "--steps", "1",
            "--warmup", "0", "--decode-batches", "1,2", "--prompt-len", "4", "--new-tokens", "4", "--peak-tflops", "1");
        Assert.True(code == 0, err);
        var line = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("tiny", line.GetProperty("shape").GetString());
        Assert.True(line.GetProperty("sft").GetProperty("tokens_per_s").GetDouble() > 0, stdout);
        Assert.True(line.GetProperty("sft").GetProperty("mfu").GetDouble() > 0, stdout);
        Assert.True(line.GetProperty("decode").GetProperty("batch_2_tokens_per_s").GetDouble() > 0, stdout);
    }

    [Fact]
    public void Bench_LoraR_MeasuresTheLoraSftStep_WithItsTrainableParameters()
    {
        var (code, stdout, err) = Run("bench", "--device", "cpu", "--sizes", "tiny", "--seq-len", "32", "--batch-size", "2", "--steps", "1",
            "--warmup", "0", "--decode-batches", "1", "--prompt-len", "4", "--new-tokens", "4", "--lora-r", "4", "--precision", "fp32");
        Assert.True(code == 0, err);
        var sft = JsonDocument.Parse(stdout).RootElement.GetProperty("sft");
        Assert.Equal(4, sft.GetProperty("lora_r").GetInt32());
        // The tiny shape: 2 layers, d 64, I 192, 2 heads and 1 kv head of 32: r · (in + out) summed over the 14 linear layers.
        Assert.Equal(2 * 4 * ((64 + 64) * 2 + (64 + 32) * 2 + (64 + 192) * 3), sft.GetProperty("trainable_params").GetInt64());
        Assert.True(sft.GetProperty("tokens_per_s").GetDouble() > 0, stdout);
    }
}
