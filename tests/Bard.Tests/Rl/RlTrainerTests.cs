using Bard.Eval;
using Bard.Data;
using Bard.Model;
using Bard.Rl;
using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Tests.Rl;

public class RlTrainerTests
{
    /// <summary>
    /// A task on raw ids: the prompt is [1, 4 + b]; thinking is every token before the first 3 (the
    /// closing delimiter), which also ends the completion; the answer is never right, so the reward is
    /// fidelity alone (additive) — enough to exercise the mechanics.
    /// </summary>
    internal sealed class ToyEnvironment : IRlEnvironment
    {
        public int[] Prompt(Problem problem, int budget) => [1, 4 + budget];

        public Judgement Judge(Problem problem, int budget, IReadOnlyList<int> completion)
        {
            int close = completion.ToList().IndexOf(3);
            if (close < 0) return new Judgement(false, false, completion.Count);
            bool correct = close + 1 < completion.Count && completion[close + 1] == 9;
            return new Judgement(correct, true, close);
        }

        public IReadOnlyList<int> StopTokenIds => [3];
    }

    static readonly Problem[] Problems = Enumerable.Range(0, 4).Select(i => new Problem($"p{i}", "q", "9")).ToArray();

    static RlConfig Config(int steps) => new()
    {
        GroupSize = 4, PromptsPerStep = 4, MaxCompletionTokens = 12, BudgetSampling = BudgetSampling.List, Budgets = [2, 4],
        LearningRate = 1e-3, MaxSteps = steps, Seed = 5, EvalEvery = 0,
        // Additive, so that an untrained policy (never right) still sees fidelity differences to learn from.
        Reward = new RewardConfig { Truncation = TruncationHandling.Zero, Combination = RewardCombination.Additive },
    };

    static CausalLM Policy(ScalarType dtype = ScalarType.Float32)
    {
        var model = new CausalLM(ModelPresets.Create("micro", 16));
        ModelInit.Initialize(model, 3);
        if (dtype != ScalarType.Float32) model.to(dtype);
        return model;
    }

    // Equivalence checks compare weights after AdamW steps, which amplify rounding where a gradient is ≈ 0 (by up to
    // lr/ε = 1e5 here); in float64 that keeps kernel- and thread-dependent rounding below 1e-9 (see SftTrainerTests).
    static void AssertSameWeights(CausalLM expected, CausalLM actual) => TensorAssert.CloseParameters(expected, actual, 1e-9);

    [Fact]
    public void Train_OneStep_ChangesParametersWithRatioOneAndNoClipping()
    {
        using var policy = Policy();
        var before = policy.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone().DetachFromDisposeScope());
        using var tmp = new TempDir();
        var metrics = new RlTrainer(Config(1)).Train(policy, Problems, new ToyEnvironment(), new RlRun { OutDir = tmp.Path, TensorBoard = false }).Select(r => r.ToMetrics()).ToList();
        var m = Assert.Single(metrics);
        Assert.Equal(1.0, m["ratio_mean"], 6);
        Assert.Equal(0.0, m["clip_fraction"]);
        foreach (var key in new[] { "reward_mean", "reward_std", "accuracy", "fidelity_mean", "length_ratio_mean", "over_budget_rate", "clip_fraction", "kl", "zero_std_group_share", "clipped_ratio", "tokens_per_s" })
            Assert.True(m.ContainsKey(key), key);
        int changed = policy.named_parameters().Count(p => !p.parameter.detach().equal(before[p.name]).all().item<bool>());
        Assert.True(changed > 0, "no parameter changed: " + string.Join(", ", m.Select(kv => $"{kv.Key}={kv.Value:G4}")));
        foreach (var t in before.Values) t.Dispose();
        Assert.True(File.Exists(tmp.File("final/model.safetensors")));
    }

    /// <summary>
    /// One RL step pinned by an independent computation: from the step's recorded samples, the advantages by GRPO's formula,
    /// the token-level loss −Σᵢ Aᵢ·nᵢ / Σᵢ nᵢ (on-policy, ratio 1), the gradient of −Σᵢ Aᵢ Σₜ log π(yᵢₜ) / Σᵢ nᵢ from a plain
    /// forward of each (prompt, completion) alone (no batching, no padding), and the first AdamW step, which moves each weight by
    /// −lr · g / (|g| + ε) (bias-corrected m̂ = g, v̂ = g²; no decay, no clipping). float64, so the tolerance holds on any CPU.
    /// </summary>
    [Fact]
    public void OneStep_AdvantagesLossAndUpdatedWeights_EqualTheGrpoFormulaComputedByHand()
    {
        var config = Config(1) with { GradClip = 0 };
        using var policy = Policy(ScalarType.Float64);
        using var start = Policy(ScalarType.Float64);
        using var tmp = new TempDir();
        var step = Assert.Single(new RlTrainer(config).Train(policy, Problems, new ToyEnvironment(), new RlRun { OutDir = tmp.Path, TensorBoard = false }));
        Assert.Equal(16, step.Samples.Count);
        Assert.All(step.Samples, s => Assert.True(s.InLoss));

        // Advantages: (r − mean) / (sample std + 1e-4) within each group.
        foreach (var group in step.Samples.GroupBy(s => s.Group))
        {
            var r = group.Select(s => s.Reward.Value).ToArray();
            double mean = r.Average(), std = Math.Sqrt(r.Sum(x => (x - mean) * (x - mean)) / (r.Length - 1));
            foreach (var s in group)
            {
                double expected = std < 1e-12 ? 0 : (s.Reward.Value - mean) / (std + 1e-4);
                Assert.True(Math.Abs(expected - s.Advantage) <= 1e-12, $"group {group.Key}: advantage {s.Advantage:R}, by hand {expected:R}");
            }
        }
        Assert.Contains(step.Samples, s => s.Advantage != 0); // the step has something to learn from

        // The loss, and the gradient of the same objective computed one sequence at a time (advantages enter it as float32).
        static double A(RlSample s) => (float)s.Advantage;
        double tokens = step.Samples.Sum(s => s.Completion.Length);
        double loss = -step.Samples.Sum(s => A(s) * s.Completion.Length) / tokens;
        Assert.True(Math.Abs(loss - step.Update.PolicyLoss) <= 1e-12, $"policy loss {step.Update.PolicyLoss:R}, by hand {loss:R}");
        start.train();
        foreach (var s in step.Samples)
        {
            using var scope = NewDisposeScope();
            var ids = tensor(s.Prompt.Concat(s.Completion).Select(x => (long)x).ToArray()).unsqueeze(0);
            var logp = start.Forward(ids).log_softmax(-1)[0];
            var sum = zeros(1, dtype: ScalarType.Float64);
            for (int t = 0; t < s.Completion.Length; t++) sum += logp[s.Prompt.Length - 1 + t, s.Completion[t]];
            (-A(s) / tokens * sum).sum().backward();
        }
        const double lr = 1e-3, eps = 1e-8;
        var updated = policy.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, w0) in start.named_parameters())
        {
            using var scope = NewDisposeScope();
            var g = w0.grad ?? zeros_like(w0);
            var expected = w0.detach() - lr * g / (g.abs() + eps);
            double err = (updated[name].detach() - expected).abs().max().item<double>();
            Assert.True(err <= 1e-6 * lr, $"{name}: updated weights differ from the hand-computed AdamW step by {err:G3}");
        }
        Assert.Equal(1.0, step.Update.RatioMean, 12);
    }

    /// <summary>EvalEvery: a greedy evaluation at the list budgets every N steps and at the last one, logged per budget.</summary>
    [Fact]
    public void EvalEvery_EvaluatesGreedilyAtTheBudgets_EveryNStepsAndAtTheEnd()
    {
        var config = Config(3) with { EvalEvery = 2 };
        using var policy = Policy();
        using var tmp = new TempDir();
        var steps = new RlTrainer(config).Train(policy, Problems, new ToyEnvironment(), new RlRun { OutDir = tmp.Path, TensorBoard = false, EvalProblems = Problems[..2] });
        Assert.Null(steps[0].Evaluation);
        Assert.NotNull(steps[1].Evaluation);
        var last = steps[2].Evaluation!;
        Assert.Equal([2, 4], last.Budgets.Select(b => b.Budget));
        var logged = steps[2].ToMetrics();
        foreach (var key in new[] { "eval_accuracy", "eval_rel_dev", "eval_accuracy_b2", "eval_rel_dev_b4" }) Assert.True(logged.ContainsKey(key), key);
        Assert.Equal(last.MeanRelativeDeviation, logged["eval_rel_dev"]);
        // Greedy: evaluating twice from the same weights gives the same figures.
        using var again = Policy();
        using var tmp2 = new TempDir();
        var replay = new RlTrainer(config).Train(again, Problems, new ToyEnvironment(), new RlRun { OutDir = tmp2.Path, TensorBoard = false, EvalProblems = Problems[..2] });
        Assert.Equal(last.MeanRelativeDeviation, replay[2].Evaluation!.MeanRelativeDeviation);
        // Without evaluation problems nothing is evaluated.
        using var none = Policy();
        using var tmp3 = new TempDir();
        Assert.All(new RlTrainer(config).Train(none, Problems, new ToyEnvironment(), new RlRun { OutDir = tmp3.Path, TensorBoard = false }), r => Assert.Null(r.Evaluation));
    }

    [Fact]
    public void Train_GradientCheckpointing_SameMetricsAndWeightsAsWithout()
    {
        // β > 0 and two inner steps: the KL term and ratios ≠ 1 go through the recomputed backward too.
        var config = Config(2) with { Beta = 0.05, InnerSteps = 2 };
        using var plain = Policy(ScalarType.Float64);
        using var checkpointed = Policy(ScalarType.Float64);
        using var tmp1 = new TempDir();
        using var tmp2 = new TempDir();
        var a = new RlTrainer(config).Train(plain, Problems, new ToyEnvironment(), new RlRun { OutDir = tmp1.Path, TensorBoard = false }).Select(r => r.ToMetrics()).ToList();
        var b = new RlTrainer(config with { GradientCheckpointing = true }).Train(checkpointed, Problems, new ToyEnvironment(), new RlRun { OutDir = tmp2.Path, TensorBoard = false }).Select(r => r.ToMetrics()).ToList();
        for (int step = 0; step < 2; step++)
            foreach (var key in new[] { "reward_mean", "policy_loss", "kl", "ratio_mean", "grad_norm" })
                Assert.True(Math.Abs(a[step][key] - b[step][key]) <= 1e-10 * Math.Max(1, Math.Abs(a[step][key])), $"step {step + 1} {key}: {a[step][key]:R} vs {b[step][key]:R} with checkpointing");
        AssertSameWeights(plain, checkpointed);
    }

    [Fact]
    public void Train_Bf16_SamplesWithTheFloat32PolicyAndUpdatesItAlongTheFloat32Direction()
    {
        using var fp32 = Policy();
        using var bf16 = Policy();
        var start = fp32.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone().DetachFromDisposeScope());
        using var tmp1 = new TempDir();
        using var tmp2 = new TempDir();
        var a = new RlTrainer(Config(1)).Train(fp32, Problems, new ToyEnvironment(), new RlRun { OutDir = tmp1.Path, TensorBoard = false }).Select(r => r.ToMetrics()).ToList();
        var b = new RlTrainer(Config(1) with { Precision = Bard.Training.Precision.Bf16 }).Train(bf16, Problems, new ToyEnvironment(), new RlRun { OutDir = tmp2.Path, TensorBoard = false }).Select(r => r.ToMetrics()).ToList();
        // The rollouts come from the float32 weights in both runs: the same samples, the same rewards.
        Assert.Equal(a[0]["reward_mean"], b[0]["reward_mean"]);
        Assert.Equal(a[0]["length_ratio_mean"], b[0]["length_ratio_mean"]);
        Assert.Equal(ScalarType.Float32, bf16.DType);
        // The update: bf16 gradients, float32 AdamW. Its direction agrees with the float32 update's.
        var da = new List<float>();
        var db = new List<float>();
        var bParams = bf16.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in fp32.named_parameters())
        {
            da.AddRange((p.detach() - start[name]).data<float>().ToArray());
            db.AddRange((bParams[name].detach() - start[name]).data<float>().ToArray());
        }
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < da.Count; i++) { dot += da[i] * (double)db[i]; na += da[i] * (double)da[i]; nb += db[i] * (double)db[i]; }
        double cosine = dot / Math.Sqrt(na * nb);
        Assert.True(nb > 0, "the bf16 run changed no weight");
        Assert.True(cosine > 0.9, $"cosine of the bf16 and float32 updates: {cosine:F4}");
        foreach (var t in start.Values) t.Dispose();
    }

    [Fact]
    public void Train_Bf16WithAFloat64Policy_IsRefusedWithTheFix()
    {
        using var policy = Policy(ScalarType.Float64);
        using var tmp = new TempDir();
        var e = Assert.Throws<BardException>(() => new RlTrainer(Config(1) with { Precision = Bard.Training.Precision.Bf16 })
            .Train(policy, Problems, new ToyEnvironment(), new RlRun { OutDir = tmp.Path, TensorBoard = false }));
        Assert.Contains("float32", e.Message);
    }

    [Theory]
    [InlineData(0.0)]
    // β > 0: the KL reference of the resumed run must be the starting model again, not the checkpoint it resumes from.
    [InlineData(0.05)]
    public void Train_ResumeAfterTwoSteps_EqualsFourStepsInOneRun(double beta)
    {
        var config = Config(4) with { Beta = beta };
        using var whole = Policy(ScalarType.Float64);
        using var tmpWhole = new TempDir();
        var all = new RlTrainer(config).Train(whole, Problems, new ToyEnvironment(), new RlRun { OutDir = tmpWhole.Path, TensorBoard = false }).Select(r => r.ToMetrics()).ToList();

        using var tmp = new TempDir();
        using (var cts = new CancellationTokenSource())
        using (var first = Policy(ScalarType.Float64))
            Assert.Throws<OperationCanceledException>(() => new RlTrainer(config).Train(first, Problems, new ToyEnvironment(),
                new RlRun { OutDir = tmp.Path, TensorBoard = false, OnStep = r => { if (r.Step == 2) cts.Cancel(); } }, cts.Token));
        using var resumed = Policy(ScalarType.Float64);
        var rest = new RlTrainer(config).Train(resumed, Problems, new ToyEnvironment(), new RlRun { OutDir = tmp.Path, TensorBoard = false, Resume = true }).Select(r => r.ToMetrics()).ToList();
        Assert.Equal(2, rest.Count);
        Assert.Equal(all[3]["reward_mean"], rest[1]["reward_mean"], 9);
        if (beta > 0)
        {
            Assert.True(all[2]["kl"] > 0, "the KL term is live at step 3 of the uninterrupted run");
            Assert.True(Math.Abs(all[2]["kl"] - rest[0]["kl"]) <= 1e-10 * Math.Max(1e-12, Math.Abs(all[2]["kl"])),
                $"step 3 KL: {all[2]["kl"]:R} uninterrupted vs {rest[0]["kl"]:R} resumed");
        }
        // Byte-identical, not only close: the same process replays the same operations in the same order on the same
        // threads, from a checkpoint that stores weights and optimizer state exactly, so any difference is a resume bug.
        var byName = resumed.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in whole.named_parameters()) TensorAssert.Equal(p.detach(), byName[name].detach(), name);
    }

    [Fact]
    public void Budgets_AndProblems_AreFunctionsOfSeedAndStep()
    {
        var config = Config(1) with { BudgetSampling = BudgetSampling.LogUniform, MinBudget = 8, MaxBudget = 128, MaxCompletionTokens = 200 };
        var a = new RlTrainer(config);
        var b = new RlTrainer(config);
        var budgets = Enumerable.Range(0, 200).Select(i => a.BudgetFor(i, 0)).ToArray();
        Assert.Equal(budgets, Enumerable.Range(0, 200).Select(i => b.BudgetFor(i, 0)));
        Assert.All(budgets, x => Assert.InRange(x, 8, 128));
        Assert.True(budgets.Count(x => x < 32) > 60, "log-uniform: half the mass lies below the geometric mean 32");
        // Every problem once per pass.
        var firstPass = Enumerable.Range(0, 3).SelectMany(s => Enumerable.Range(0, 4).Select(slot => a.ProblemFor(s, slot, 12))).ToArray();
        Assert.Equal(Enumerable.Range(0, 12), firstPass.OrderBy(x => x));
    }
}
