using Bard.Data;
using Bard.Inference;
using Bard.Model;
using Bard.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Rl;

/// <summary>
/// BARD's second phase: GRPO-family RL of a <see cref="CausalLM"/> with the budget reward. Each step draws
/// <see cref="RlConfig.PromptsPerStep"/> problems, a budget for each, samples <see cref="RlConfig.GroupSize"/>
/// completions per (problem, budget) — one group —, judges and rewards them, turns rewards into
/// group advantages and takes <see cref="RlConfig.InnerSteps"/> clipped policy-gradient steps.
/// Checkpoints resume exactly: problem order, budgets and sampling are functions of (seed, step).
/// </summary>
public sealed class RlTrainer
{
    readonly RlConfig config;

    public RlTrainer(RlConfig config)
    {
        config.Validate();
        this.config = config;
    }

    /// <summary>The budget of prompt <paramref name="slot"/> of step <paramref name="step"/>: from the list, or log-uniform in [min, max].</summary>
    public int BudgetFor(int step, int slot)
    {
        var rng = new Random(Mix(config.Seed, step, slot, 1));
        if (config.BudgetSampling == BudgetSampling.List) return config.Budgets[rng.Next(config.Budgets.Length)];
        double lo = Math.Log(config.MinBudget), hi = Math.Log(config.MaxBudget);
        return (int)Math.Round(Math.Exp(lo + rng.NextDouble() * (hi - lo)));
    }

    /// <summary>The problem index of prompt <paramref name="slot"/> of step <paramref name="step"/>: passes over a seeded shuffle.</summary>
    public int ProblemFor(int step, int slot, int problemCount)
    {
        long k = (long)step * config.PromptsPerStep + slot;
        int pass = (int)(k / problemCount);
        return BatchPlan.Shuffle(problemCount, config.Seed + 17, pass)[(int)(k % problemCount)];
    }

    internal static int Mix(long seed, int a, int b, int c)
    {
        ulong x = (ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)(a + 1) * 0xBF58476D1CE4E5B9UL ^ (ulong)(b + 1) * 0x94D049BB133111EBUL ^ (ulong)c;
        x ^= x >> 29;
        return (int)(x & 0x7FFFFFFF);
    }

    /// <summary>The groups of step <paramref name="step"/> (0-based): <see cref="RlConfig.PromptsPerStep"/> (problem, budget) pairs.</summary>
    public IReadOnlyList<RlGroup> GroupsFor(int step, IReadOnlyList<Problem> problems) => Enumerable.Range(0, config.PromptsPerStep)
        .Select(slot => new RlGroup(problems[ProblemFor(step, slot, problems.Count)], BudgetFor(step, slot)))
        .ToList();

    /// <summary>The budgets evaluated during the run: <see cref="RlRun.EvalBudgets"/>, else the list budgets, else the log-uniform range's ends.</summary>
    public IReadOnlyList<int> EvalBudgets(RlRun run) => run.EvalBudgets is { Count: > 0 } given ? given
        : config.BudgetSampling == BudgetSampling.List ? config.Budgets.Distinct().Order().ToList() : [config.MinBudget, config.MaxBudget];

    /// <summary>
    /// Trains <paramref name="policy"/> (float32, or float64 for numerical checks; in place) and returns the steps run by this call.
    /// With β &gt; 0 a frozen copy of <paramref name="policy"/> as passed in is the KL reference; with β = 0 none is made. To
    /// resume (<see cref="RlRun.Resume"/>), pass the same starting model: the newest checkpoint's weights are loaded into it
    /// after the reference is copied, so the resumed run equals an uninterrupted one. With <see cref="RlRun.EvalProblems"/> and
    /// <see cref="RlConfig.EvalEvery"/> &gt; 0, every EvalEvery-th step and the last one also evaluate greedily at
    /// <see cref="EvalBudgets"/> (into the step's <see cref="RlStepResult.Evaluation"/> and metrics.jsonl).
    /// </summary>
    public IReadOnlyList<RlStepResult> Train(CausalLM policy, IReadOnlyList<Problem> problems,
        IRlEnvironment env, RlRun run, CancellationToken cancel = default)
    {
        if (problems.Count == 0) throw new BardException("RL needs at least one problem.");
        Directory.CreateDirectory(run.OutDir);
        // The KL reference: the policy as given, which is the starting model also when the run resumes (the checkpoint's
        // weights are loaded into the policy below, after the copy), so a resumed run regularises toward the same model.
        // With LoRA it costs nothing: the policy with its adapters switched off is that model.
        using var reference = config.Beta > 0 && config.Lora is null ? CopyOf(policy) : null;
        var weights = TrainedWeights.For(policy, config.Lora, config.Precision, config.Seed, "RL");
        weights.RefuseCheckpointingWithDropout(config.GradientCheckpointing, "RL");
        using var optimizer = new AdamW(weights.Parameters, 0.9, 0.999, 1e-8, config.WeightDecay);
        var checkpoints = new RunCheckpoints(run.OutDir, weights, optimizer, config.Seed, config.MaxSteps, keepLast: 2, run.TokenizerDir, run.BaseModel);
        int step = run.Resume ? checkpoints.Resume("Resume with the same config, or use a new output folder.")?.Step ?? 0 : 0;
        if (step >= config.MaxSteps) return [];
        // bf16: log-probs and gradients in a bf16 copy; clipping, AdamW and sampling on the float32 policy.
        using var computeCopy = new ComputeCopy(policy, weights.Parameters, weights.ComputePrecision(config.Precision));
        var stepper = new RlStep(config, env, policy, computeCopy.Model, computeCopy, weights, optimizer, reference);
        var evalBudgets = EvalBudgets(run);
        using var metrics = new MetricsWriter(run.OutDir, step, run.TensorBoard);
        var results = new List<RlStepResult>();
        int lastSaved = step;
        try
        {
            while (step < config.MaxSteps)
            {
                cancel.ThrowIfCancellationRequested();
                RlStepResult result;
                try { result = stepper.Run(step, GroupsFor(step, problems), cancel); }
                catch (NonFiniteUpdateException e)
                {
                    throw new BardException($"{e.Message}; stopping. Lower the learning rate."
                        + (checkpoints.LastGood(lastSaved) is { } good ? $" The last good checkpoint is {good}." : ""));
                }
                step = result.Step;
                bool evaluate = run.EvalProblems is { Count: > 0 } && config.EvalEvery > 0 && (step % config.EvalEvery == 0 || step == config.MaxSteps);
                if (evaluate) result = result with { Evaluation = stepper.Evaluate(run.EvalProblems!, evalBudgets, cancel) };
                results.Add(result);
                metrics.Write(step, result.ToMetrics());
                run.OnStep?.Invoke(result);
                var r = result.Rollout;
                run.Progress?.Report(step, $"reward {r.RewardMean:F3} | acc {r.Accuracy:F2} | fid {r.FidelityMean:F2} | L/b {r.LengthRatioMean:F2}"
                    + (result.Evaluation is { } ev ? $" | eval acc {ev.Accuracy:F3} dev {ev.MeanRelativeDeviation:F3}" : ""));

                if (config.SaveEvery > 0 && step % config.SaveEvery == 0 && step < config.MaxSteps)
                {
                    checkpoints.Save(State(step));
                    lastSaved = step;
                }
            }
        }
        catch (OperationCanceledException)
        {
            if (step > lastSaved) checkpoints.Save(State(step));
            throw;
        }
        checkpoints.Save(State(step));
        checkpoints.SaveFinal(State(step));
        policy.eval();
        return results;
    }

    TrainerState State(int step) => new() { Step = step, TotalSteps = config.MaxSteps, Epoch = 0, MicroBatch = 0, Seed = config.Seed };

    static CausalLM CopyOf(CausalLM model)
    {
        var copy = new CausalLM(model.Config);
        copy.to(model.DType).to(model.Device);
        using (no_grad())
        {
            var source = model.state_dict();
            foreach (var (name, t) in copy.state_dict()) t.copy_(source[name]);
        }
        copy.eval();
        foreach (var p in copy.parameters()) p.requires_grad = false;
        return copy;
    }
}
