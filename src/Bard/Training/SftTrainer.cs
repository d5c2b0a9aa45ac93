using System.Diagnostics;
using Bard.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bard.Training;

/// <summary>
/// Supervised fine-tuning of a <see cref="CausalLM"/> on tokenized sequences (BARD's first phase):
/// next-token cross-entropy on target tokens only, averaged over every target token of an optimizer step
/// (so gradient accumulation is exact), AdamW with warm-up and decay, gradient clipping, fp32 or bf16
/// compute with fp32 master weights, checkpoints that resume exactly, validation loss, metrics.
/// </summary>
public sealed class SftTrainer
{
    readonly SftConfig config;

    public SftTrainer(SftConfig config)
    {
        config.Validate();
        this.config = config;
    }

    /// <summary>Optimizer steps the run will take for <paramref name="train"/>.</summary>
    public int TotalSteps(IReadOnlyList<TrainingSequence> train) => config.MaxSteps > 0
        ? config.MaxSteps
        : config.Epochs * (int)Math.Ceiling(BatchPlan.ForEpoch(train, config, 0).Count / (double)config.GradAccumulation);

    /// <summary>
    /// Trains <paramref name="model"/> (float32 master weights, updated in place) and returns the metrics of
    /// the steps run by this call. With <see cref="SftRun.Resume"/> the newest checkpoint's weights,
    /// optimizer state and data cursor are restored first. Cancellation saves a checkpoint, then throws.
    /// With <see cref="SftConfig.Lora"/> the model is the frozen base (float32 or bf16): it is turned into the compute
    /// dtype, and the trained adapters stay attached to it (<see cref="CausalLM.Adapters"/>; dispose them to detach).
    /// </summary>
    public IReadOnlyList<StepMetrics> Train(CausalLM model, IReadOnlyList<TrainingSequence> train,
        IReadOnlyList<TrainingSequence>? validation, SftRun run, CancellationToken cancel = default)
    {
        if (config.Threads > 0) set_num_threads(config.Threads);
        Directory.CreateDirectory(run.OutDir);
        int total = TotalSteps(train);

        var weights = TrainedWeights.For(model, config.Lora, config.Precision, config.Seed, "SFT");
        weights.RefuseCheckpointingWithDropout(config.GradientCheckpointing, "SFT");
        var master = weights.Parameters;
        using var optimizer = new AdamW(master, config.Beta1, config.Beta2, config.Epsilon, config.WeightDecay);
        var checkpoints = new RunCheckpoints(run.OutDir, weights, optimizer, config.Seed, total, config.KeepLast, run.TokenizerDir, run.BaseModel);
        int step = 0, epoch = 0, cursor = 0;
        if (run.Resume && checkpoints.Resume("Resume with the same config and data, or use a new output folder.") is { } state)
            (step, epoch, cursor) = (state.Step, state.Epoch, state.MicroBatch);
        if (step >= total) return [];

        // bf16: forward and backward in a bf16 copy, gradients and the update on the float32 master.
        // LoRA: no copy; the frozen base already is in the compute dtype and the adapters are float32.
        using var computeCopy = new ComputeCopy(model, master, weights.ComputePrecision(config.Precision));
        var compute = computeCopy.Model;
        compute.train();

        using var metrics = new MetricsWriter(run.OutDir, step, run.TensorBoard);
        var plan = BatchPlan.ForEpoch(train, config, epoch);
        var results = new List<StepMetrics>();
        var maskDType = compute.DType; // additive attention masks in the compute dtype
        int lastSaved = step;
        try
        {
            while (step < total)
            {
                cancel.ThrowIfCancellationRequested();
                var clock = Stopwatch.StartNew();
                // The micro-batches of this step, crossing into the next epoch when one ends.
                var batches = new List<MicroBatch>();
                while (batches.Count < config.GradAccumulation)
                {
                    if (cursor >= plan.Count) { epoch++; cursor = 0; plan = BatchPlan.ForEpoch(train, config, epoch); }
                    batches.Add(plan[cursor++]);
                }
                int targets = batches.Sum(b => b.TargetCount(train));
                int tokens = batches.Sum(b => b.TokenCount(train));
                double lr = LearningRate.At(step, total, config.LearningRate, config.WarmupSteps, config.Schedule, config.MinLrRatio);

                // LoRA dropout draws from torch's global generator: seeded per step, so a resumed run draws the same masks.
                weights.SeedDropout(config.Seed * 1_000_003 + step);
                optimizer.ZeroGrad();
                computeCopy.ZeroGrad();
                double loss = 0;
                double collateSeconds = 0, forwardSeconds = 0, backwardSeconds = 0;
                var phase = Stopwatch.StartNew();
                foreach (var mb in batches)
                {
                    using var scope = NewDisposeScope();
                    phase.Restart();
                    using var batch = Collator.Collate(mb, train, maskDType, compute.Config.PadTokenId ?? 0, model.Device);
                    collateSeconds += phase.Elapsed.TotalSeconds;
                    phase.Restart();
                    if (config.GradientCheckpointing)
                    {
                        // Forward and backward interleave (each layer is recomputed in the backward pass): counted as backward.
                        loss += compute.BackwardWithRecompute(batch.Ids, logits => LossSum(logits, batch.Labels) / Math.Max(targets, 1),
                            batch.AttentionMask, batch.PositionIds, batch.AttentionBias).ToDouble();
                        backwardSeconds += phase.Elapsed.TotalSeconds;
                    }
                    else
                    {
                        var sum = LossSum(compute, batch);
                        forwardSeconds += phase.Elapsed.TotalSeconds;
                        phase.Restart();
                        (sum / Math.Max(targets, 1)).backward();
                        loss += sum.ToDouble() / Math.Max(targets, 1);
                        backwardSeconds += phase.Elapsed.TotalSeconds;
                    }
                }
                phase.Restart();
                computeCopy.PushGrads();
                double gradNorm = Gradients.ClipNorm(master.Select(p => p.Item2), config.GradClip);
                step++;
                if (!double.IsFinite(loss) || !double.IsFinite(gradNorm))
                    throw new BardException($"step {step}: the loss is {loss} and the gradient norm {gradNorm}; stopping. "
                        + (lastSaved > 0 ? $"The last good checkpoint is {RunFolder.CheckpointDir(run.OutDir, lastSaved)}. " : "No checkpoint was saved yet. ")
                        + "Lower the learning rate, raise the warm-up, or train in float32.");
                optimizer.Step(lr);
                computeCopy.PullWeights();
                double optimizerSeconds = phase.Elapsed.TotalSeconds;

                double seconds = clock.Elapsed.TotalSeconds;
                var m = new StepMetrics(step, loss, lr, gradNorm, tokens, tokens / Math.Max(seconds, 1e-9), epoch)
                {
                    Phases = new StepPhases(collateSeconds, forwardSeconds, backwardSeconds, optimizerSeconds, seconds),
                };
                bool evaluate = validation is { Count: > 0 } && ((config.EvalEvery > 0 && step % config.EvalEvery == 0) || step == total);
                if (evaluate) m = m with { ValidationLoss = ValidationLoss(compute, validation!, maskDType) };
                results.Add(m);
                metrics.Write(step, Values(m));
                run.OnStep?.Invoke(m);
                run.Progress?.Report(step, $"loss {loss:F4} | {m.TokensPerSecond:N0} tok/s" + (m.ValidationLoss is { } v ? $" | val {v:F4}" : ""));

                if (run.SaveCheckpoints && config.SaveEvery > 0 && step % config.SaveEvery == 0 && step < total)
                {
                    checkpoints.Save(State(step, total, epoch, cursor));
                    lastSaved = step;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Keep what the run has done: a checkpoint at the last completed step.
            if (run.SaveCheckpoints && step > lastSaved) checkpoints.Save(State(step, total, epoch, cursor));
            throw;
        }
        if (!run.SaveCheckpoints) return results;
        checkpoints.Save(State(step, total, epoch, cursor));
        checkpoints.SaveFinal(State(step, total, epoch, cursor));
        return results;
    }

    /// <summary>Sum of the token losses of a micro-batch (float32, or float64 for a float64 model): cross-entropy on labelled positions only.</summary>
    public static Tensor LossSum(CausalLM model, CollatedBatch batch)
    {
        using var scope = NewDisposeScope();
        var logits = model.Forward(batch.Ids, batch.AttentionMask, batch.PositionIds, attentionBias: batch.AttentionBias);
        return LossSum(logits, batch.Labels).MoveToOuterDisposeScope();
    }

    /// <summary>Sum of the token losses (float32 or wider) of logits [B, T, V] against labels [B, T] (<see cref="Collator.IgnoreIndex"/> is not scored).</summary>
    public static Tensor LossSum(Tensor logits, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var flat = logits.view(-1, logits.shape[^1]).ToFloat32OrWider();
        return nn.functional.cross_entropy(flat, labels.view(-1), ignore_index: Collator.IgnoreIndex, reduction: nn.Reduction.Sum)
            .MoveToOuterDisposeScope();
    }

    /// <summary>Mean token loss over <paramref name="data"/>, without gradients, in a fixed order.</summary>
    public double ValidationLoss(CausalLM model, IReadOnlyList<TrainingSequence> data, ScalarType maskDType)
    {
        using var noGrad = no_grad();
        model.eval();
        double sum = 0;
        long count = 0;
        var plan = BatchPlan.ForEpoch(data, config with { Seed = 0 }, 0);
        foreach (var mb in plan)
        {
            using var scope = NewDisposeScope();
            using var batch = Collator.Collate(mb, data, maskDType, model.Config.PadTokenId ?? 0, model.Device);
            sum += LossSum(model, batch).ToDouble();
            count += mb.TargetCount(data);
        }
        model.train();
        return sum / Math.Max(count, 1);
    }

    TrainerState State(int step, int total, int epoch, int cursor) =>
        new() { Step = step, TotalSteps = total, Epoch = epoch, MicroBatch = cursor, Seed = config.Seed };

    static Dictionary<string, double> Values(StepMetrics m)
    {
        var d = new Dictionary<string, double>
        {
            ["loss"] = m.Loss, ["lr"] = m.LearningRate, ["grad_norm"] = m.GradNorm,
            ["tokens"] = m.Tokens, ["tokens_per_s"] = m.TokensPerSecond, ["epoch"] = m.Epoch,
        };
        if (m.ValidationLoss is { } v) d["val_loss"] = v;
        if (m.Phases is { } p)
        {
            d["collate_s"] = p.CollateSeconds; d["forward_s"] = p.ForwardSeconds;
            d["backward_s"] = p.BackwardSeconds; d["optimizer_s"] = p.OptimizerSeconds;
            d["step_s"] = p.StepSeconds;
        }
        return d;
    }
}
