using System.Diagnostics;
using Bard.Inference;
using Bard.Model;
using Bard.Training;
using static TorchSharp.torch;

namespace Bard.Rl;

/// <summary>
/// One RL step, phase by phase: rollouts (G samples per group) → judge → reward → group advantages → the clipped
/// policy-gradient update(s). <see cref="RlTrainer"/> owns the run (resume, checkpoints, metrics, progress); this owns a step.
/// </summary>
internal sealed class RlStep(RlConfig config, IRlEnvironment env, CausalLM policy, CausalLM compute, ComputeCopy computeCopy,
    TrainedWeights weights, AdamW optimizer, CausalLM? reference)
{
    readonly PolicyLossSettings settings = PolicyLossSettings.From(config);
    readonly TokenGenerator generator = new(policy);
    readonly IReadOnlyList<(string Name, Tensor Parameter)> named = weights.Parameters;
    int PadId => policy.Config.PadTokenId ?? 0;

    /// <summary>Runs step <paramref name="step"/> (0-based: the steps done before it) on <paramref name="groups"/>.</summary>
    public RlStepResult Run(int step, IReadOnlyList<RlGroup> groups, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var (prompts, groupOf, completions) = Rollout(step, groups, cancel);
        double rolloutSeconds = clock.Elapsed.TotalSeconds;

        // Judge and reward each completion; advantages within each group.
        var judged = completions.Select((c, i) => env.Judge(groups[groupOf[i]].Problem, groups[groupOf[i]].Budget, c.Tokens)).ToList();
        var rewards = completions.Select((c, i) => Reward.Of(judged[i], groups[groupOf[i]].Budget,
            new CompletionLength(c.Tokens.Length, config.MaxCompletionTokens, c.Finish == FinishReason.Length), config.Reward)).ToList();
        var scored = rewards.Select((r, i) => new ScoredSample(groupOf[i], groups[groupOf[i]].Budget, judged[i].ThinkingTokens, r)).ToList();
        var adv = GroupAdvantages.ForSamples(scored, config.AdvantageMode, config.AdvantageEpsilon);
        var inLoss = adv.InLoss(config.DropZeroStdGroups);

        var (update, referenceSeconds, updateSeconds) = Update(step, prompts, completions, adv.Advantages, inLoss);
        var samples = completions.Select((c, i) => new RlSample(groupOf[i], prompts[i], c.Tokens, c.Finish == FinishReason.Length,
            judged[i], rewards[i], inLoss[i] ? adv.Advantages[i] : 0, inLoss[i])).ToList();
        return new RlStepResult
        {
            Step = step + 1,
            Groups = groups,
            Samples = samples,
            Rollout = RlStepMetrics.Of(scored),
            Update = update,
            Times = new RlStepTimes(rolloutSeconds, referenceSeconds, updateSeconds, clock.Elapsed.TotalSeconds),
            LearningRate = config.LearningRate,
        };
    }

    /// <summary>G samples of each group's prompt from the float32 policy, seeded by (seed, step).</summary>
    (List<int[]> Prompts, List<int> GroupOf, IReadOnlyList<Completion> Completions) Rollout(int step, IReadOnlyList<RlGroup> groups, CancellationToken cancel)
    {
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
            Seed = RlTrainer.Mix(config.Seed, step, 0, 2),
            StopTokenIds = env.StopTokenIds,
            PadTokenId = PadId,
        }, cancel);
        return (prompts, groupOf, completions);
    }

    /// <summary>
    /// Old and reference log-probs, then <see cref="RlConfig.InnerSteps"/> clipped policy-gradient updates. Rows out of the loss
    /// (masked truncations, zero-spread groups when dropped) touch neither the sums nor the token or sequence counts of the
    /// token-level and per-sequence means, so they are left out of the forward and backward passes; the constant normaliser of
    /// Dr. GRPO counts every row, so there all rows stay.
    /// </summary>
    (RlUpdate Update, double ReferenceSeconds, double UpdateSeconds) Update(int step, List<int[]> prompts, IReadOnlyList<Completion> completions,
        double[] advantagesBySample, bool[] inLoss)
    {
        if (!inLoss.Any(x => x)) return (RlUpdate.None, 0, 0);
        var refClock = Stopwatch.StartNew();
        var completionIds = completions.Select(c => c.Tokens.Length == 0 ? new[] { PadId } : c.Tokens).ToList();
        int[] rows = Enumerable.Range(0, completions.Count).Where(i => inLoss[i] || config.Aggregation == LossAggregation.ConstantLength).ToArray();
        var rowPrompts = rows.Select(i => prompts[i]).ToList();
        var rowIds = rows.Select(i => completionIds[i]).ToList();
        using var scope = NewDisposeScope();
        // On-policy (one inner step) the old log-probs equal the new ones: the ratio is exactly 1 and only its gradient
        // matters, so the new log-probs, detached, stand in for a second forward pass.
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
        double referenceSeconds = refClock.Elapsed.TotalSeconds;
        var updateClock = Stopwatch.StartNew();
        var device = policy.Device;
        var advantages = tensor(rows.Select(i => (float)advantagesBySample[i]).ToArray(), device: device);
        var rowMask = tensor(rows.Select(i => inLoss[i] ? 1f : 0f).ToArray(), device: device).unsqueeze(1);
        // Empty completions (stop at once) were given a pad token to score: mask it out.
        var lengths = tensor(rows.Select(i => (float)Math.Min(1, completions[i].Tokens.Length)).ToArray(), device: device).unsqueeze(1);
        compute.train();
        RlUpdate? last = null;
        for (int inner = 0; inner < config.InnerSteps; inner++)
        {
            using var innerScope = NewDisposeScope();
            // LoRA dropout draws from torch's global generator: seeded per update, so a resumed run draws the same masks.
            weights.SeedDropout(config.Seed * 1_000_003 + step * 64L + inner);
            optimizer.ZeroGrad();
            computeCopy.ZeroGrad();
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
            double gradNorm = Gradients.ClipNorm(named.Select(p => p.Item2), config.GradClip);
            if (!double.IsFinite(gradNorm) || !double.IsFinite(result.PolicyLoss))
                throw new NonFiniteUpdateException(step + 1);
            optimizer.Step(config.LearningRate);
            computeCopy.PullWeights();
            last = new RlUpdate(result.PolicyLoss, result.ClipFraction, result.Kl, result.MeanRatio, gradNorm);
        }
        return (last!, referenceSeconds, updateClock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Greedy completions of every evaluation problem at every budget: accuracy and mean |L − b|/b per budget (the judge's L,
    /// the thinking as written). Sampling state is untouched: greedy decoding draws nothing.
    /// </summary>
    public RlEvaluation Evaluate(IReadOnlyList<Data.Problem> problems, IReadOnlyList<int> budgets, CancellationToken cancel)
    {
        policy.eval();
        var rows = new List<RlBudgetEvaluation>();
        foreach (int b in budgets)
        {
            var prompts = problems.Select(p => (IReadOnlyList<int>)env.Prompt(p, b)).ToList();
            var outs = generator.Generate(prompts, new GenerationOptions
            {
                MaxNewTokens = config.MaxCompletionTokens, Temperature = 0, StopTokenIds = env.StopTokenIds, PadTokenId = PadId,
            }, cancel);
            var judged = outs.Select((c, i) => env.Judge(problems[i], b, c.Tokens)).ToList();
            rows.Add(new RlBudgetEvaluation(b, judged.Average(j => j.Correct ? 1.0 : 0.0), judged.Average(j => Math.Abs(j.ThinkingTokens - b) / (double)b)));
        }
        return new RlEvaluation(rows);
    }
}

/// <summary>An RL update whose loss or gradient norm was not finite (the trainer names the last good checkpoint).</summary>
internal sealed class NonFiniteUpdateException(int step) : Exception($"RL step {step}: the loss or the gradient norm is not finite")
{
    public int Step { get; } = step;
}
