using System.Text.Json.Nodes;
using Bard.Data;
using Bard.Lora;
using Bard.Model;
using Bard.Rl;
using Bard.Training;
using TorchSharp;
using static TorchSharp.torch;
using ToyEnvironment = Bard.Tests.Rl.RlTrainerTests.ToyEnvironment;

namespace Bard.Tests.Lora;

public class LoraTrainingTests
{
    const int Vocab = 32;

    static List<TrainingSequence> Data(int n, int seed) => Bard.Tests.Training.SftTrainerTests.Data(n, seed);

    static CausalLM Model(ScalarType dtype = ScalarType.Float32, int vocab = Vocab)
    {
        var model = new CausalLM(ModelPresets.Create("micro", vocab));
        ModelInit.Initialize(model, 1);
        if (dtype != ScalarType.Float32) model.to(dtype);
        return model;
    }

    static readonly SftConfig Base = new()
    {
        LearningRate = 1e-2, WarmupSteps = 2, BatchSize = 8, MaxSeqLen = 64, Seed = 3, EvalEvery = 0,
        Lora = new LoraConfig { R = 4 },
    };

    static SftRun Run(TempDir tmp, Action<StepMetrics>? onStep = null, bool resume = false) =>
        new() { OutDir = tmp.Path, TensorBoard = false, OnStep = onStep, Resume = resume, BaseModel = "micro" };

    static Dictionary<string, Tensor> Snapshot(CausalLM model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone().DetachFromDisposeScope());

    [Fact]
    public void Sft_OnlyAdaptersChange_BaseStaysBitIdentical_OptimizerHoldsAdaptersOnly()
    {
        using var model = Model();
        using var tmp = new TempDir();
        var before = Snapshot(model);
        var metrics = new SftTrainer(Base with { MaxSteps = 12, SaveEvery = 6 }).Train(model, Data(128, 1), null, Run(tmp));
        Assert.True(metrics[^1].Loss < metrics[0].Loss, $"loss {metrics[0].Loss:F4} → {metrics[^1].Loss:F4}");
        foreach (var (name, p) in model.named_parameters())
        {
            TensorAssert.Equal(before[name], p.detach(), $"base {name}");
            Assert.Null(p.grad);
        }
        var adapters = model.Adapters!;
        using var fresh = Model();
        using (var initial = LoraAdapters.Attach(fresh, Base.Lora!, Base.Seed))
            for (int i = 0; i < adapters.All.Count; i++)
            {
                Assert.False(adapters.All[i].A.detach().equal(initial.All[i].A.detach()).all().item<bool>(), $"{adapters.All[i].Path}: lora_A did not change");
                Assert.True(adapters.All[i].B.detach().abs().max().item<float>() > 0, $"{adapters.All[i].Path}: lora_B is still zero");
            }
        // The optimizer state: two moments per adapter tensor, nothing for the base.
        using (var state = SafeTensorsFile.Open(tmp.File("checkpoint-6/optimizer.safetensors")))
        {
            var expected = adapters.NamedParameters().SelectMany(p => new[] { "exp_avg." + p.Name, "exp_avg_sq." + p.Name }).Order(StringComparer.Ordinal);
            Assert.Equal(expected, state.Tensors.Keys.Order(StringComparer.Ordinal));
        }
        // Checkpoints and final/ hold the adapters in PEFT's format, never the base weights.
        foreach (var dir in new[] { "checkpoint-6", "final" })
        {
            Assert.True(File.Exists(Path.Combine(tmp.Path, dir, "adapter_config.json")), dir);
            Assert.True(File.Exists(Path.Combine(tmp.Path, dir, "adapter_model.safetensors")), dir);
            Assert.False(File.Exists(Path.Combine(tmp.Path, dir, "model.safetensors")), dir);
        }
        Assert.Equal("micro", JsonNode.Parse(File.ReadAllText(tmp.File("final/adapter_config.json")))!["base_model_name_or_path"]!.GetValue<string>());
        foreach (var t in before.Values) t.Dispose();
    }

    [Fact]
    public void Sft_ResumedAfterCancel_EqualsAnUninterruptedRun()
    {
        var data = Data(200, 4);
        // Dropout on: its masks must be the same in the resumed run as in the uninterrupted one.
        var config = Base with { MaxSteps = 8, Lora = Base.Lora! with { Dropout = 0.1 } };
        using var whole = Model(ScalarType.Float64);
        using var tmpWhole = new TempDir();
        new SftTrainer(config).Train(whole, data, null, Run(tmpWhole));

        using var tmp = new TempDir();
        using (var cts = new CancellationTokenSource())
        using (var first = Model(ScalarType.Float64))
            Assert.Throws<OperationCanceledException>(() => new SftTrainer(config).Train(first, data, null,
                Run(tmp, onStep: m => { if (m.Step == 4) cts.Cancel(); }), cts.Token));
        Assert.Equal([4], RunFolder.Checkpoints(tmp.Path).Select(c => c.Step));
        using var resumed = Model(ScalarType.Float64); // the same base: a LoRA checkpoint holds the adapters only
        var rest = new SftTrainer(config).Train(resumed, data, null, Run(tmp, resume: true));
        Assert.Equal([5, 6, 7, 8], rest.Select(m => m.Step));
        var a = whole.Adapters!.All;
        var b = resumed.Adapters!.All;
        for (int i = 0; i < a.Count; i++)
        {
            TensorAssert.Close(a[i].A.detach(), b[i].A.detach(), 1e-9, a[i].Path + " A");
            TensorAssert.Close(a[i].B.detach(), b[i].B.detach(), 1e-9, a[i].Path + " B");
        }
    }

    [Fact]
    public void Sft_GradientCheckpointing_SameLossesAndAdaptersAsWithout()
    {
        var config = Base with { MaxSteps = 3 };
        using var plain = Model(ScalarType.Float64);
        using var checkpointed = Model(ScalarType.Float64);
        using var tmp1 = new TempDir();
        using var tmp2 = new TempDir();
        var a = new SftTrainer(config).Train(plain, Data(64, 4), null, Run(tmp1));
        var b = new SftTrainer(config with { GradientCheckpointing = true }).Train(checkpointed, Data(64, 4), null, Run(tmp2));
        for (int i = 0; i < 3; i++)
            Assert.True(Math.Abs(a[i].Loss - b[i].Loss) <= 1e-12 * Math.Abs(a[i].Loss), $"step {i + 1}: {a[i].Loss:R} vs {b[i].Loss:R}");
        for (int i = 0; i < plain.Adapters!.All.Count; i++)
            TensorAssert.Close(plain.Adapters.All[i].B.detach(), checkpointed.Adapters!.All[i].B.detach(), 1e-9, plain.Adapters.All[i].Path);
    }

    [Fact]
    public void Sft_Bf16_KeepsTheFrozenBaseInBf16_AdaptersInFloat32_LossFalls()
    {
        using var model = Model();
        using var tmp = new TempDir();
        var metrics = new SftTrainer(Base with { MaxSteps = 20, Precision = Precision.Bf16 }).Train(model, Data(128, 2), null, Run(tmp));
        Assert.Equal(ScalarType.BFloat16, model.DType); // no float32 master copy of the base
        Assert.All(model.Adapters!.All, a => Assert.Equal(ScalarType.Float32, a.A.dtype));
        Assert.True(metrics[^1].Loss < metrics[0].Loss * 0.8, $"loss {metrics[0].Loss:F4} → {metrics[^1].Loss:F4}");
        using (var file = SafeTensorsFile.Open(tmp.File("final/adapter_model.safetensors")))
            Assert.All(file.Tensors.Values, t => Assert.Equal("F32", t.DType.ToString()));
    }

    [Fact]
    public void Sft_ResumeAcrossModes_IsRefusedWithTheFix()
    {
        using var tmp = new TempDir();
        using (var full = Model())
            new SftTrainer(Base with { MaxSteps = 2, SaveEvery = 1, Lora = null }).Train(full, Data(32, 1), null, Run(tmp));
        using var model = Model();
        // The same steps and seed, so that only the mode differs.
        var e = Assert.Throws<BardException>(() => new SftTrainer(Base with { MaxSteps = 2, SaveEvery = 1 }).Train(model, Data(32, 1), null, Run(tmp, resume: true)));
        Assert.Contains("full-model checkpoint", e.Message);
    }

    [Fact]
    public void Sft_ResumeWithAnotherLoraConfig_IsRefusedNamingWhatDiffers()
    {
        using var tmp = new TempDir();
        using (var model = Model())
            new SftTrainer(Base with { MaxSteps = 3, SaveEvery = 1 }).Train(model, Data(32, 1), null, Run(tmp));
        using (var model = Model())
        {
            var e = Assert.Throws<BardException>(() => new SftTrainer(Base with { MaxSteps = 3, SaveEvery = 1, Lora = new LoraConfig { R = 8 } }).Train(model, Data(32, 1), null, Run(tmp, resume: true)));
            Assert.Contains("r 4, this run's config 8", e.Message);
        }
        using (var model = Model())
        {
            var e = Assert.Throws<BardException>(() => new SftTrainer(Base with { MaxSteps = 3, SaveEvery = 1, Lora = new LoraConfig { R = 4, Targets = ["q_proj"] } }).Train(model, Data(32, 1), null, Run(tmp, resume: true)));
            Assert.Contains("a layer this run does not adapt", e.Message);
        }
    }

    [Fact]
    public void GradientCheckpointingWithLoraDropout_IsRefusedWithTheFix()
    {
        using var model = Model();
        using var tmp = new TempDir();
        var e = Assert.Throws<BardException>(() => new SftTrainer(Base with { MaxSteps = 1, GradientCheckpointing = true, Lora = new LoraConfig { R = 4, Dropout = 0.1 } })
            .Train(model, Data(16, 1), null, Run(tmp)));
        Assert.Contains("dropout", e.Message);
        Assert.Contains("gradient_checkpointing", e.Message);
    }

    // The toy RL task of RlTrainerTests: prompt [1, 4 + b], thinking ends at token 3.

    static RlConfig RlConfig(int steps) => new()
    {
        GroupSize = 4, PromptsPerStep = 4, MaxCompletionTokens = 12, BudgetSampling = BudgetSampling.List, Budgets = [2, 4],
        LearningRate = 2e-2, MaxSteps = steps, Seed = 5, EvalEvery = 0, Beta = 0.1,
        Reward = new RewardConfig { Truncation = TruncationHandling.Zero, Combination = RewardCombination.Additive },
        Lora = new LoraConfig { R = 4 },
    };

    [Fact]
    public void Rl_WithBeta_TheReferenceIsTheBaseWithAdaptersOff_AndOnlyAdaptersTrain()
    {
        using var policy = Model(vocab: 16);
        var before = Snapshot(policy);
        using var tmp = new TempDir();
        var metrics = new RlTrainer(RlConfig(3)).Train(policy, Enumerable.Range(0, 4).Select(i => new Problem($"p{i}", "q", "9")).ToArray(),
            new ToyEnvironment(), new RlRun { OutDir = tmp.Path, TensorBoard = false }).Select(r => r.ToMetrics()).ToList();
        // Step 1: B = 0, so the policy is the base and the KL to it is exactly zero. Later steps: the adapters have moved and the
        // reference has not (a reference that followed the policy would keep the KL at zero).
        Assert.Equal(0.0, metrics[0]["kl"]);
        Assert.True(metrics[2]["kl"] > 0, $"kl at step 3: {metrics[2]["kl"]:G4}");
        foreach (var (name, p) in policy.named_parameters()) TensorAssert.Equal(before[name], p.detach(), $"base {name}");
        Assert.True(policy.Adapters!.All.Any(a => a.B.detach().abs().max().item<float>() > 0), "no adapter moved");
        Assert.True(File.Exists(tmp.File("final/adapter_model.safetensors")));
        Assert.False(File.Exists(tmp.File("final/model.safetensors")));
        foreach (var t in before.Values) t.Dispose();
    }

    [Fact]
    public void Rl_WithBeta_MakesNoReferenceCopy_WhereFullTrainingDoes()
    {
        var problems = Enumerable.Range(0, 4).Select(i => new Problem($"p{i}", "q", "9")).ToArray();
        var stats = TorchSharp.DisposeScopeManager.Statistics;
        long LiveAfterOneStep(RlConfig config) // live tensors at the end of step 1, counted from before the policy is made
        {
            long before = stats.ThreadTotalLiveCount;
            using var policy = Model(vocab: 16);
            using var tmp = new TempDir();
            long live = 0;
            new RlTrainer(config).Train(policy, problems, new ToyEnvironment(), new RlRun { OutDir = tmp.Path, TensorBoard = false, OnStep = _ => live = stats.ThreadTotalLiveCount });
            policy.Adapters?.Dispose();
            return live - before;
        }
        // The measure sees a reference copy: full training with β > 0 holds more live tensors than with β = 0 …
        long fullWith = LiveAfterOneStep(RlConfig(1) with { Lora = null }), fullWithout = LiveAfterOneStep(RlConfig(1) with { Lora = null, Beta = 0 });
        Assert.True(fullWith > fullWithout, $"full training: {fullWith} live tensors with β > 0, {fullWithout} without");
        // … and LoRA with β > 0 holds exactly as many as without: its reference is the policy with the adapters off.
        long loraWith = LiveAfterOneStep(RlConfig(1)), loraWithout = LiveAfterOneStep(RlConfig(1) with { Beta = 0 });
        Assert.Equal(loraWithout, loraWith);
    }

    [Fact]
    public void Rl_ResumedAfterCancel_EqualsAnUninterruptedRun()
    {
        var problems = Enumerable.Range(0, 4).Select(i => new Problem($"p{i}", "q", "9")).ToArray();
        var config = RlConfig(4) with { SaveEvery = 0 };
        using var whole = Model(ScalarType.Float64, vocab: 16);
        using var tmpWhole = new TempDir();
        new RlTrainer(config).Train(whole, problems, new ToyEnvironment(), new RlRun { OutDir = tmpWhole.Path, TensorBoard = false });
        using var tmp = new TempDir();
        using (var cts = new CancellationTokenSource())
        using (var first = Model(ScalarType.Float64, vocab: 16))
            Assert.Throws<OperationCanceledException>(() => new RlTrainer(config).Train(first, problems, new ToyEnvironment(),
                new RlRun { OutDir = tmp.Path, TensorBoard = false, OnStep = r => { if (r.Step == 2) cts.Cancel(); } }, cts.Token));
        using var resumed = Model(ScalarType.Float64, vocab: 16);
        var rest = new RlTrainer(config).Train(resumed, problems, new ToyEnvironment(), new RlRun { OutDir = tmp.Path, TensorBoard = false, Resume = true }).Select(r => r.ToMetrics()).ToList();
        Assert.Equal(2, rest.Count);
        for (int i = 0; i < whole.Adapters!.All.Count; i++)
            TensorAssert.Close(whole.Adapters.All[i].B.detach(), resumed.Adapters!.All[i].B.detach(), 1e-9, whole.Adapters.All[i].Path);
    }
}
