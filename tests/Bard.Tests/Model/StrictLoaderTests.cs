using Bard.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Tests.Model;

public class StrictLoaderTests
{
    /// <summary>A checkpoint with a: f32 [2, 3] = 0..5, b: bf16 [4] = 0.5, 1.5, -2, 3, c: i64 [2] = 7, -9.</summary>
    private static TempDir SmallCheckpoint()
    {
        var tmp = new TempDir();
        using var scope = NewDisposeScope();
        SafeTensorsWriter.WriteCheckpoint(tmp.Path,
        [
            new("a", arange(6, ScalarType.Float32).reshape(2, 3)),
            new("b", tensor(new[] { 0.5f, 1.5f, -2f, 3f }).to(ScalarType.BFloat16)),
            new("c", tensor(new long[] { 7, -9 })),
        ]);
        return tmp;
    }

    [Fact]
    public void Load_MatchingTarget_CopiesValuesConvertingDtypeInPlace()
    {
        using var tmp = SmallCheckpoint();
        using var source = CheckpointTensors.Open(tmp.Path);
        using var a = nn.Parameter(zeros(2, 3)); // a leaf that requires grad: the copy must run under no_grad
        using var b = zeros(4, ScalarType.Float32); // stored bf16, loaded into f32
        using var c = zeros(2, ScalarType.Float64); // stored i64, loaded into f64
        var target = new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b, ["c"] = c };

        StrictLoader.Load(target, source);

        Assert.Equal(new[] { 0f, 1, 2, 3, 4, 5 }, a.data<float>().ToArray());
        Assert.True(a.requires_grad);
        Assert.Equal(new[] { 0.5f, 1.5f, -2f, 3f }, b.data<float>().ToArray());
        Assert.Equal(new[] { 7.0, -9.0 }, c.data<double>().ToArray());
        Assert.Equal(ScalarType.Float64, c.dtype);
    }

    [Fact]
    public void Load_MissingUnexpectedAndMisShaped_ReportedTogetherAndNothingCopied()
    {
        using var tmp = SmallCheckpoint();
        using var source = CheckpointTensors.Open(tmp.Path);
        using var a = zeros(3, 2); // checkpoint has [2, 3]
        using var b = zeros(4);
        using var d = zeros(1); // not in the checkpoint; and c is not in the target
        var target = new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b, ["d"] = d };

        var e = Assert.Throws<BardException>(() => StrictLoader.Load(target, source));

        Assert.Contains($"Checkpoint '{tmp.Path}' does not match the model", e.Message);
        Assert.Contains("1 missing (in the model, not in the checkpoint): d;", e.Message);
        Assert.Contains("1 unexpected (in the checkpoint, not in the model): c;", e.Message);
        Assert.Contains("1 with a different shape: a: model [3, 2] vs checkpoint [2, 3].", e.Message);
        Assert.Equal(0f, b.abs().sum().item<float>()); // checked before anything is copied
    }

    [Fact]
    public void Load_UnexpectedNameIgnored_Succeeds()
    {
        using var tmp = SmallCheckpoint();
        using var source = CheckpointTensors.Open(tmp.Path);
        using var a = zeros(2, 3);
        using var b = zeros(4);
        StrictLoader.Load(new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b }, source, new HashSet<string> { "c" });
        Assert.Equal(15f, a.sum().item<float>());
    }

    [Fact]
    public void Load_ManyMissing_ListsTenThenCount()
    {
        using var tmp = SmallCheckpoint();
        using var source = CheckpointTensors.Open(tmp.Path);
        using var scope = NewDisposeScope();
        var target = new Dictionary<string, Tensor> { ["a"] = zeros(2, 3), ["b"] = zeros(4), ["c"] = zeros(2, ScalarType.Int64) };
        for (var i = 10; i < 25; i++)
        {
            target[$"extra.{i}"] = zeros(1);
        }
        var e = Assert.Throws<BardException>(() => StrictLoader.Load(target, source));
        Assert.Contains("15 missing (in the model, not in the checkpoint): extra.10, extra.11,", e.Message);
        Assert.Contains("extra.19, ... and 5 more", e.Message);
        Assert.DoesNotContain("extra.20", e.Message);
    }

    [Fact]
    public void Load_Success_LeavesNoLiveTensorsBehind()
    {
        using var tmp = SmallCheckpoint();
        using var source = CheckpointTensors.Open(tmp.Path);
        using var a = zeros(2, 3);
        using var b = zeros(4);
        using var c = zeros(2, ScalarType.Int64);
        var target = new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b, ["c"] = c };
        var before = Tensor.TotalCount;
        for (var i = 0; i < 3; i++)
        {
            StrictLoader.Load(target, source);
        }
        // Finalizers of earlier tests may only lower the count; a leak raises it by at least 3 per load.
        Assert.True(Tensor.TotalCount <= before, $"live tensors went from {before} to {Tensor.TotalCount}");
    }
}
