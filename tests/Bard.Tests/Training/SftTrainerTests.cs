using System.Text.Json.Nodes;
using Bard.Model;
using Bard.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Tests.Training;

public class SftTrainerTests
{
    const int Vocab = 32;

    /// <summary>"a b = (a+b) mod 10": prompt [1, 3+a, 3+b, 13], completion [3+(a+b)%10, 2].</summary>
    internal static List<TrainingSequence> Data(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ =>
        {
            int a = rng.Next(10), b = rng.Next(10);
            return TrainingSequence.PromptCompletion([1, 3 + a, 3 + b, 13], [3 + (a + b) % 10, 2]);
        }).ToList();
    }

    static CausalLM Model(long seed = 1, ScalarType dtype = ScalarType.Float32)
    {
        var model = new CausalLM(ModelPresets.Create("micro", Vocab));
        ModelInit.Initialize(model, seed);
        if (dtype != ScalarType.Float32) model.to(dtype);
        return model;
    }

    [Fact]
    public void Train_AutoPrecision_TrainsExactlyAsThePrecisionItResolvesTo()
    {
        // Whatever this machine's CPU (bf16 with AMX or AVX512-BF16, else fp32), auto takes the path of the precision it
        // resolves to: its first loss (a forward from the same initial weights) matches that run's to float32 rounding and
        // differs from the other precision's (bf16 rounds the weights and activations, ~1e-3). Later steps are not compared:
        // AdamW's first update amplifies kernel rounding where g ≈ 0 (see below).
        var resolved = PrecisionChoice.Resolve(Precision.Auto, DeviceType.CPU);
        var other = resolved == Precision.Bf16 ? Precision.Fp32 : Precision.Bf16;
        double Loss(Precision p)
        {
            using var model = Model();
            using var tmp = new TempDir();
            return new SftTrainer(Base with { MaxSteps = 1, Precision = p }).Train(model, Data(16, 1), null, Run(tmp)).Single().Loss;
        }
        double auto = Loss(Precision.Auto), asked = Loss(resolved), elsewise = Loss(other);
        AssertRelativelyClose(asked, auto, 1e-6, $"first loss, auto vs {resolved}");
        Assert.True(Math.Abs(elsewise - asked) > 1e-5 * asked, $"first loss: {other} ({elsewise:R}) and {resolved} ({asked:R}) should differ");
    }

    /// <summary>
    /// The trainer's equivalences (accumulation, recomputation, resume) compare weights after AdamW steps, and AdamW's
    /// first update lr·g/(|g| + ε) amplifies a gradient difference by up to lr/ε (here 1e-2/1e-8 = 1e6) where g ≈ 0. In
    /// float32, reduction-order rounding (~1e-7 relative, different for every CPU's kernels and thread count) becomes
    /// weight differences of 1e-5 and more; in float64 rounding is ~1e-16 relative, so the same amplification stays
    /// below 1e-9 while any real difference (a mis-scaled micro-batch, a lost step) is ≥ 1e-4. These checks therefore
    /// run in float64, where the property is exact up to rounding that no CPU can push past the bound.
    /// </summary>
    const double Float64WeightTolerance = 1e-9;

    static void AssertSameWeights(CausalLM expected, CausalLM actual) => TensorAssert.CloseParameters(expected, actual, Float64WeightTolerance);

    static void AssertRelativelyClose(double expected, double actual, double rtol, string what) =>
        Assert.True(Math.Abs(expected - actual) <= rtol * Math.Abs(expected), $"{what}: {actual:R} vs {expected:R} (relative tolerance {rtol:E0})");

    static Dictionary<string, Tensor> Snapshot(CausalLM model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone().DetachFromDisposeScope());

    static readonly SftConfig Base = new() { LearningRate = 1e-2, WarmupSteps = 2, BatchSize = 8, MaxSeqLen = 64, Seed = 3, EvalEvery = 0 };

    static SftRun Run(TempDir tmp, Action<StepMetrics>? onStep = null, bool resume = false) =>
        new() { OutDir = tmp.Path, TensorBoard = false, OnStep = onStep, Resume = resume };

    [Fact]
    public void Train_TinyModel_LossFallsEveryParameterChangesFirstLossesPinned()
    {
        using var model = Model();
        using var tmp = new TempDir();
        var before = Snapshot(model);
        var metrics = new SftTrainer(Base with { MaxSteps = 30 }).Train(model, Data(256, 1), null, Run(tmp));
        Assert.Equal(30, metrics.Count);
        // Pinned: the first five losses of this seeded run (float32, CPU). A change here means the
        // model, the loss mask, the batching or the optimizer changed.
        double[] pinned = [3.5361, 2.9160, 2.5448, 2.1908, 2.0130];
        for (int i = 0; i < 5; i++) Assert.True(Math.Abs(metrics[i].Loss - pinned[i]) < 2e-3, $"loss {i}: {metrics[i].Loss:F4} vs pinned {pinned[i]:F4}");
        Assert.True(metrics[^1].Loss < metrics[0].Loss * 0.7, $"loss {metrics[0].Loss:F4} → {metrics[^1].Loss:F4}");
        foreach (var (name, p) in model.named_parameters())
            Assert.False(p.detach().equal(before[name]).all().item<bool>(), $"{name} did not change");
        foreach (var t in before.Values) t.Dispose();
    }

    [Fact]
    public void Train_GradientCheckpointing_SameLossesAndWeightsAsWithout()
    {
        var config = Base with { MaxSteps = 3 };
        using var plain = Model(dtype: ScalarType.Float64);
        using var checkpointed = Model(dtype: ScalarType.Float64);
        using var tmp1 = new TempDir();
        using var tmp2 = new TempDir();
        var a = new SftTrainer(config).Train(plain, Data(64, 4), null, Run(tmp1));
        var b = new SftTrainer(config with { GradientCheckpointing = true }).Train(checkpointed, Data(64, 4), null, Run(tmp2));
        for (int i = 0; i < 3; i++)
        {
            AssertRelativelyClose(a[i].Loss, b[i].Loss, 1e-12, $"step {i + 1}: loss with checkpointing");
            AssertRelativelyClose(a[i].GradNorm, b[i].GradNorm, 1e-10, $"step {i + 1}: grad norm with checkpointing");
        }
        AssertSameWeights(plain, checkpointed);
    }

    [Fact]
    public void Train_OnResolvedCpuDevice_StepRunsThroughTheDeviceAgnosticPath()
    {
        // The path every device takes: DeviceSpec → model.to(device) → batches collated on the model's device.
        var device = DeviceSpec.Parse("cpu").Resolve();
        using var model = Model();
        model.to(device);
        using var tmp = new TempDir();
        var metrics = new SftTrainer(Base with { MaxSteps = 1, Precision = Precision.Bf16 }).Train(model, Data(16, 1), null, Run(tmp));
        Assert.Single(metrics);
        Assert.True(double.IsFinite(metrics[0].Loss) && metrics[0].Loss > 0, $"loss {metrics[0].Loss}");
        Assert.Equal(device.type, model.Device.type);
    }

    [CudaFact]
    public void Train_OnCuda_CheckpointedStepMatchesCpuLoss()
    {
        var device = DeviceSpec.Parse("cuda").Resolve();
        using var cpuModel = Model();
        using var cudaModel = Model();
        cudaModel.to(device);
        using var tmp1 = new TempDir();
        using var tmp2 = new TempDir();
        var config = Base with { MaxSteps = 2, GradientCheckpointing = true };
        var onCpu = new SftTrainer(config).Train(cpuModel, Data(32, 1), null, Run(tmp1));
        var onCuda = new SftTrainer(config).Train(cudaModel, Data(32, 1), null, Run(tmp2));
        Assert.Equal(DeviceType.CUDA, cudaModel.Device.type);
        Assert.True(Math.Abs(onCpu[0].Loss - onCuda[0].Loss) < 1e-3, $"loss {onCpu[0].Loss:F5} (cpu) vs {onCuda[0].Loss:F5} (cuda)");
    }

    /// <summary>One optimizer step on the same four sequences, as one batch of four (into <paramref name="a"/>) and as four accumulated micro-batches of one (into <paramref name="b"/>).</summary>
    static (StepMetrics One, StepMetrics Four) AccumulateBothWays(CausalLM a, CausalLM b)
    {
        // Sequence 1 is longer (3 targets, the others 2): accumulation must weight micro-batches by their target
        // tokens, not average their means (measured with that mistake: the gradient norm differs by 1.1e-3 relative).
        var data = Data(4, 2).Select((s, i) => i == 1 ? TrainingSequence.PromptCompletion([1, 4, 5, 13, 6], [7, 8, 2]) : s).ToList();
        var config = Base with { MaxSteps = 1, WarmupSteps = 0, Batching = Batching.Padded, GradClip = 0 };
        using var tmpA = new TempDir();
        using var tmpB = new TempDir();
        var one = new SftTrainer(config with { BatchSize = 4, GradAccumulation = 1 }).Train(a, data, null, Run(tmpA)).Single();
        var four = new SftTrainer(config with { BatchSize = 1, GradAccumulation = 4 }).Train(b, data, null, Run(tmpB)).Single();
        return (one, four);
    }

    [Fact]
    public void GradientAccumulation_FourMicroBatchesOfOne_EqualOneBatchOfFour()
    {
        using var a = Model(dtype: ScalarType.Float64);
        using var b = Model(dtype: ScalarType.Float64);
        var (one, four) = AccumulateBothWays(a, b);
        AssertRelativelyClose(one.Loss, four.Loss, 1e-12, "loss");
        // AdamW's first step is nearly scale-free (g/|g|): the gradient norm is what checks the gradient's scale.
        AssertRelativelyClose(one.GradNorm, four.GradNorm, 1e-10, "gradient norm");
        AssertSameWeights(a, b);
    }

    [Fact]
    public void GradientAccumulation_Float32_LossAndGradientNormMatchToRounding()
    {
        // The float32 path is the same code; its loss and gradient norm (sums, no AdamW amplification) agree to
        // float32 rounding: ~1e-7 relative per reduction (measured ≤ 6.7e-8), bounded by 1e-4 for any kernel and order.
        using var a = Model();
        using var b = Model();
        var (one, four) = AccumulateBothWays(a, b);
        AssertRelativelyClose(one.Loss, four.Loss, 1e-4, "loss");
        AssertRelativelyClose(one.GradNorm, four.GradNorm, 1e-4, "gradient norm");
    }

    [Fact]
    public void Resume_NStepsThenNMore_EqualsTwoNStepsInOneRun()
    {
        var data = Data(200, 4);
        var config = Base with { MaxSteps = 8 };
        using var whole = Model(dtype: ScalarType.Float64);
        using var tmpWhole = new TempDir();
        new SftTrainer(config).Train(whole, data, null, Run(tmpWhole));

        using var tmp = new TempDir();
        using (var cts = new CancellationTokenSource())
        using (var first = Model(dtype: ScalarType.Float64))
        {
            // Stop after 4 of 8 steps: cancellation saves checkpoint-4.
            Assert.Throws<OperationCanceledException>(() => new SftTrainer(config).Train(first, data, null,
                Run(tmp, onStep: m => { if (m.Step == 4) cts.Cancel(); }), cts.Token));
        }
        Assert.Equal([4], RunFolder.Checkpoints(tmp.Path).Select(c => c.Step));
        using var resumed = Model(seed: 99, dtype: ScalarType.Float64); // different init: everything must come from the checkpoint
        var rest = new SftTrainer(config).Train(resumed, data, null, Run(tmp, resume: true));
        Assert.Equal([5, 6, 7, 8], rest.Select(m => m.Step));
        AssertSameWeights(whole, resumed);
        // metrics.jsonl holds each step once.
        var steps = File.ReadAllLines(Path.Combine(tmp.Path, "metrics.jsonl")).Select(l => JsonNode.Parse(l)!["step"]!.GetValue<int>());
        Assert.Equal(Enumerable.Range(1, 8), steps);
    }

    [Fact]
    public void Train_WritesCheckpointsMetricsAndFinal_KeepsLastK()
    {
        using var model = Model();
        using var tmp = new TempDir();
        new SftTrainer(Base with { MaxSteps = 6, SaveEvery = 2, KeepLast = 2, EvalEvery = 3 }).Train(model, Data(100, 5), Data(20, 6), Run(tmp) with { TensorBoard = true });
        Assert.Equal([4, 6], RunFolder.Checkpoints(tmp.Path).Select(c => c.Step));
        foreach (var f in new[] { "final/config.json", "final/model.safetensors", "checkpoint-6/optimizer.safetensors", "checkpoint-6/trainer_state.json" })
            Assert.True(File.Exists(Path.Combine(tmp.Path, f)), f);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(tmp.Path, "tensorboard"), "*", SearchOption.AllDirectories));
        var lines = File.ReadAllLines(Path.Combine(tmp.Path, "metrics.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(6, lines.Count);
        foreach (var key in new[] { "step", "loss", "lr", "grad_norm", "tokens_per_s" }) Assert.True(lines[0].ContainsKey(key), key);
        Assert.True(lines[2].ContainsKey("val_loss") && lines[5].ContainsKey("val_loss") && !lines[0].ContainsKey("val_loss"));
        using var reloaded = Checkpoint.Load(Path.Combine(tmp.Path, "final"));
        Assert.Equal(model.Config.ParameterCount, reloaded.Config.ParameterCount);
    }

    [Fact]
    public void Train_LossBecomesNaN_StopsNamingTheStep()
    {
        using var model = Model();
        using var tmp = new TempDir();
        var e = Assert.Throws<BardException>(() => new SftTrainer(Base with { MaxSteps = 20, LearningRate = 1e12, WarmupSteps = 0, GradClip = 0 })
            .Train(model, Data(100, 7), null, Run(tmp)));
        Assert.Matches(@"step \d+: the loss is", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Train_LiveTensorCountFlatAcrossSteps(bool gradientCheckpointing)
    {
        using var model = Model();
        using var tmp = new TempDir();
        var stats = TorchSharp.DisposeScopeManager.Statistics;
        var live = new List<long>();
        new SftTrainer(Base with { MaxSteps = 8, GradientCheckpointing = gradientCheckpointing }).Train(model, Data(200, 8), null, Run(tmp, onStep: _ => live.Add(stats.ThreadTotalLiveCount)));
        Assert.True(live.Skip(2).All(c => c == live[2]), $"live tensors per step: {string.Join(",", live)}");
    }

    [Fact]
    public void Train_BFloat16Compute_LossFallsAndMasterStaysFloat32()
    {
        using var model = Model();
        using var tmp = new TempDir();
        var metrics = new SftTrainer(Base with { MaxSteps = 30, Precision = Precision.Bf16 }).Train(model, Data(256, 1), null, Run(tmp));
        Assert.Equal(ScalarType.Float32, model.DType);
        Assert.True(metrics[^1].Loss < metrics[0].Loss * 0.7, $"loss {metrics[0].Loss:F4} → {metrics[^1].Loss:F4}");
    }
}

public class SftConfigTests
{
    [Fact]
    public void ConfigJson_RoundTripsAndRefusesUnknownKeys()
    {
        using var tmp = new TempDir();
        var config = new SftConfig { LearningRate = 3e-4, Schedule = LrSchedule.Linear, Precision = Precision.Bf16, MaxSteps = 7 };
        ConfigJson.Save(config, tmp.File("c.json"));
        Assert.Contains("\"learning_rate\": 0.0003", File.ReadAllText(tmp.File("c.json")));
        Assert.Contains("\"precision\": \"bf16\"", File.ReadAllText(tmp.File("c.json")));
        Assert.Equal(config, ConfigJson.Load<SftConfig>(tmp.File("c.json")));
        File.WriteAllText(tmp.File("bad.json"), "{\"learnig_rate\": 0.1}");
        var e = Assert.Throws<BardException>(() => ConfigJson.Load<SftConfig>(tmp.File("bad.json")));
        Assert.Contains("learnig_rate", e.Message);
    }

    [Theory]
    [InlineData("LearningRate")]
    [InlineData("BatchSize")]
    [InlineData("MinLrRatio")]
    public void Validate_BadValue_NamesTheField(string field)
    {
        var config = field switch
        {
            "LearningRate" => new SftConfig { LearningRate = -1 },
            "BatchSize" => new SftConfig { BatchSize = 0 },
            _ => new SftConfig { MinLrRatio = 2 },
        };
        Assert.Contains(field, Assert.Throws<BardException>(config.Validate).Message);
    }
}
