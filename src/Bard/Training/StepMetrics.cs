namespace Bard.Training;

/// <summary>What one optimizer step measured (written to metrics.jsonl).</summary>
public sealed record StepMetrics(int Step, double Loss, double LearningRate, double GradNorm, int Tokens, double TokensPerSecond, int Epoch)
{
    /// <summary>Mean token loss on the validation set, when this step evaluated it.</summary>
    public double? ValidationLoss { get; init; }
    /// <summary>Where the step's wall time went (seconds), when the trainer measured it.</summary>
    public StepPhases? Phases { get; init; }
}

/// <summary>
/// The phases of one SFT step, in seconds of wall time: building the batches, the forward pass with the loss, the backward
/// pass, and the optimizer (gradient hand-over from a bf16 copy, clipping, AdamW, weight refresh); <c>StepSeconds</c> is the whole
/// step. On the CPU each phase ends when its work ends; on CUDA kernels run asynchronously, so a phase's time may show up in a
/// later one (the whole step is exact).
/// </summary>
public sealed record StepPhases(double CollateSeconds, double ForwardSeconds, double BackwardSeconds, double OptimizerSeconds, double StepSeconds);
