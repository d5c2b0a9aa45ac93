using System.Diagnostics;
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

    static int Mix(long seed, int a, int b, int c)
    {
        ulong x = (ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)(a + 1) * 0xBF58476D1CE4E5B9UL ^ (ulong)(b + 1) * 0x94D049BB133111EBUL ^ (ulong)c;
        x ^= x >> 29;
        return (int)(x & 0x7FFFFFFF);
    }

    /// <summary>
    /// Trains <paramref name="policy"/> (float32, or float64 for numerical checks; in place) and returns the metrics of the steps run by this call.
    /// With β &gt; 0 a frozen copy of <paramref name="policy"/> as passed in is the KL reference; with β = 0 none is made. To
    /// resume (<see cref="RlRun.Resume"/>), pass the same starting model: the newest checkpoint's weights are loaded into it
    /// after the reference is copied, so the resumed run equals an uninterrupted one.
    /// </summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>> Train(CausalLM policy, IReadOnlyList<Problem> problems,
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
        var named = weights.Parameters;
        using var optimizer = new AdamW(named, 0.9, 0.999, 1e-8, config.WeightDecay);
        int step = 0;
        if (run.Resume && RunFolder.Checkpoints(run.OutDir) is { Count: > 0 } saved)
        {
            var (_, dir) = saved[^1];
            var state = TrainerState.Load(dir);
            if (state.Seed != config.Seed || state.TotalSteps != config.MaxSteps)
                throw new BardException($"{dir}: written by a run with seed {state.Seed} and {state.TotalSteps} steps; this run has seed {config.Seed} and {config.MaxSteps}. Resume with the same config, or use a new output folder.");
            weights.Load(dir);
            optimizer.Load(Path.Combine(dir, "optimizer.safetensors"));
            step = state.Step;
        }
        if (step >= config.MaxSteps) return [];
        // bf16: log-probs and gradients in a bf16 copy; clipping, AdamW and sampling on the float32 policy.
        using var computeCopy = new ComputeCopy(policy, named, weights.ComputePrecision(config.Precision));
        var compute = computeCopy.Model;

        var settings = PolicyLossSettings.From(config);
        var generator = new TokenGenerator(policy);
        using var metrics = new MetricsWriter(run.OutDir, step, run.TensorBoard);
        var results = new List<IReadOnlyDictionary<string, double>>();
        int lastSaved = step;
        try
        {
            while (step < config.MaxSteps)
            {
                cancel.ThrowIfCancellationRequested();
                var clock = Stopwatch.StartNew();

                // 1. Rollouts: G samples for each (problem, budget) group.
                var groups = Enumerable.Range(0, config.PromptsPerStep)
                    .Select(slot => (Problem: problems[ProblemFor(step, slot, problems.Count)], Budget: BudgetFor(step, slot)))
                    .ToList();
                var prompts = new List<int[]>();
                var groupOf = new List<int>();
                for (int g = 0; g < groups.Count; g++)
                {
                    var prompt = env.Prompt(groups[g].Problem, groups[g].Budget);
                    for (int i = 0; i < config.GroupSize; i++) { prompts.Add(prompt); groupOf.Add(g); }
                }
                policy.eval();
                var completions = generator.Generate(prompts.Select(p => (IReadOnlyList<int>)p).ToList(), new GenerationOptions
                {
                    MaxNewTokens = config.MaxCompletionTokens,
                    Temperature = config.Temperature,
                    TopP = config.TopP,
                    Seed = Mix(config.Seed, step, 0, 2),
                    StopTokenIds = env.StopTokenIds,
                    PadTokenId = policy.Config.PadTokenId ?? 0,
                }, cancel);
                double rolloutSeconds = clock.Elapsed.TotalSeconds;

                // 2. Judge, reward, advantages.
                var scored = new List<ScoredSample>();
                for (int i = 0; i < completions.Count; i++)
                {
                    var (problem, budget) = groups[groupOf[i]];
                    var c = completions[i];
                    var j = env.Judge(problem, budget, c.Tokens);
                    bool truncated = c.Finish == FinishReason.Length;
                    var reward = Reward.Of(j.Correct, j.ThinkingClosed, j.ThinkingTokens, budget, truncated, config.Reward, c.Tokens.Length, config.MaxCompletionTokens);
                    scored.Add(new ScoredSample(groupOf[i], budget, j.ThinkingTokens, reward));
                }
                var adv = GroupAdvantages.ForSamples(scored, config.AdvantageMode, config.AdvantageEpsilon);
                var inLoss = adv.InLoss(config.DropZeroStdGroups);
                var stepMetrics = new Dictionary<string, double>(RlStepMetrics.Of(scored).ToDictionary());

                // 3. Old and reference log-probs, then the clipped policy-gradient updates. Rows out of the loss (masked
                // truncations, zero-spread groups when dropped) touch neither the sums nor the token or sequence counts of the
                // token-level and per-sequence means, so they are left out of the forward and backward passes; the constant
                // normaliser of Dr. GRPO counts every row, so there all rows stay.
                var completionIds = completions.Select(c => c.Tokens.Length == 0 ? new[] { policy.Config.PadTokenId ?? 0 } : c.Tokens).ToList();
                int[] rows = Enumerable.Range(0, completions.Count).Where(i => inLoss[i] || config.Aggregation == LossAggregation.ConstantLength).ToArray();
                var rowPrompts = rows.Select(i => prompts[i]).ToList();
                var rowIds = rows.Select(i => completionIds[i]).ToList();
                var refClock = Stopwatch.StartNew();
                double referenceSeconds = 0, updateSeconds = 0;
                PolicyLossResult? last = null;
                double gradNorm = 0;
                if (inLoss.Any(x => x))
                {
                    using var scope = NewDisposeScope();
                    // On-policy (one inner step) the old log-probs equal the new ones: the ratio is exactly 1 and
                    // only its gradient matters, so the new log-probs, detached, stand in for a second forward pass.
                    Tensor? oldLogp = null, refLogp = null;
                    using (no_grad())
                    {
                        if (config.InnerSteps > 1)
                        {
                            compute.eval();
                            (oldLogp, _) = CompletionLogProbs.Compute(compute, rowPrompts, rowIds, config.Temperature);
                        }
                        if (reference is not null) refLogp = CompletionLogProbs.Compute(reference, rowPrompts, rowIds, config.Temperature).LogProbs;
                        else if (config.Beta > 0 && weights.Adapters is { } adapters)
                        {
                            compute.eval();
                            using (adapters.Disabled()) refLogp = CompletionLogProbs.Compute(compute, rowPrompts, rowIds, config.Temperature).LogProbs;
                        }
                    }
                    referenceSeconds = refClock.Elapsed.TotalSeconds;
                    var updateClock = Stopwatch.StartNew();
                    var device = policy.Device;
                    var advantages = tensor(rows.Select(i => (float)adv.Advantages[i]).ToArray(), device: device);
                    var rowMask = tensor(rows.Select(i => inLoss[i] ? 1f : 0f).ToArray(), device: device).unsqueeze(1);
                    compute.train();
                    for (int inner = 0; inner < config.InnerSteps; inner++)
                    {
                        using var innerScope = NewDisposeScope();
                        // LoRA dropout draws from torch's global generator: seeded per update, so a resumed run draws the same masks.
                        weights.SeedDropout(config.Seed * 1_000_003 + step * 64L + inner);
                        optimizer.ZeroGrad();
                        computeCopy.ZeroGrad();
                        // Empty completions (stop at once) were given a pad token to score: mask it out.
                        var lengths = tensor(rows.Select(i => (float)Math.Min(1, completions[i].Tokens.Length)).ToArray(), device: device).unsqueeze(1);
                        PolicyLossResult result;
                        if (config.GradientCheckpointing)
                        {
                            PolicyLossResult? checkpointed = null;
                            CompletionLogProbs.BackwardWithRecompute(compute, rowPrompts, rowIds, config.Temperature, (newLogp, mask) =>
                            {
                                checkpointed = PolicyLoss.Compute(newLogp, oldLogp ?? newLogp.detach(), advantages, mask * rowMask * lengths, settings, refLogp);
                                return checkpointed.Loss;
                            });
                            result = checkpointed!;
                        }
                        else
                        {
                            var (newLogp, mask) = CompletionLogProbs.Compute(compute, rowPrompts, rowIds, config.Temperature);
                            result = PolicyLoss.Compute(newLogp, oldLogp ?? newLogp.detach(), advantages, mask * rowMask * lengths, settings, refLogp);
                            result.Loss.backward();
                        }
                        computeCopy.PushGrads();
                        gradNorm = SftTrainer.ClipGradients(named.Select(p => p.Item2), config.GradClip);
                        if (!double.IsFinite(gradNorm) || !double.IsFinite(result.PolicyLoss))
                            throw new BardException($"RL step {step + 1}: the loss or the gradient norm is not finite; stopping. Lower the learning rate."
                                + (lastSaved > 0 ? $" The last good checkpoint is {RunFolder.CheckpointDir(run.OutDir, lastSaved)}." : ""));
                        optimizer.Step(config.LearningRate);
                        computeCopy.PullWeights();
                        last = result with { Loss = null! };
                    }
                    updateSeconds = updateClock.Elapsed.TotalSeconds;
                }
                step++;

                int generatedTokens = completions.Sum(c => c.Tokens.Length);
                double seconds = clock.Elapsed.TotalSeconds;
                stepMetrics["clip_fraction"] = last?.ClipFraction ?? 0;
                stepMetrics["kl"] = last?.Kl ?? 0;
                stepMetrics["ratio_mean"] = last?.MeanRatio ?? 1;
                stepMetrics["policy_loss"] = last?.PolicyLoss ?? 0;
                stepMetrics["grad_norm"] = gradNorm;
                stepMetrics["tokens_per_s"] = generatedTokens / Math.Max(seconds, 1e-9);
                stepMetrics["rollout_s"] = rolloutSeconds;
                stepMetrics["reference_s"] = referenceSeconds;
                stepMetrics["update_s"] = updateSeconds;
                stepMetrics["step_s"] = seconds;
                stepMetrics["lr"] = config.LearningRate;
                results.Add(stepMetrics);
                metrics.Write(step, stepMetrics);
                run.OnStep?.Invoke(step, stepMetrics);
                run.Progress?.Report(step, $"reward {stepMetrics["reward_mean"]:F3} | acc {stepMetrics["accuracy"]:F2} | fid {stepMetrics["fidelity_mean"]:F2} | L/b {stepMetrics["length_ratio_mean"]:F2}");

                if (config.SaveEvery > 0 && step % config.SaveEvery == 0 && step < config.MaxSteps)
                {
                    Save(weights, optimizer, run, step);
                    lastSaved = step;
                }
            }
        }
        catch (OperationCanceledException)
        {
            if (step > lastSaved) Save(weights, optimizer, run, step);
            throw;
        }
        Save(weights, optimizer, run, step);
        RunFolder.WriteAtomically(Path.Combine(run.OutDir, "final"), dir =>
        {
            weights.Save(dir, run.TokenizerDir, run.BaseModel);
            new TrainerState { Step = step, TotalSteps = config.MaxSteps, Epoch = 0, MicroBatch = 0, Seed = config.Seed }.Save(dir);
        });
        policy.eval();
        return results;
    }

    void Save(TrainedWeights weights, AdamW optimizer, RlRun run, int step)
    {
        RunFolder.WriteAtomically(RunFolder.CheckpointDir(run.OutDir, step), dir =>
        {
            weights.Save(dir, run.TokenizerDir, run.BaseModel);
            optimizer.Save(Path.Combine(dir, "optimizer.safetensors"));
            new TrainerState { Step = step, TotalSteps = config.MaxSteps, Epoch = 0, MicroBatch = 0, Seed = config.Seed }.Save(dir);
        });
        RunFolder.Prune(run.OutDir, 2);
    }

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
