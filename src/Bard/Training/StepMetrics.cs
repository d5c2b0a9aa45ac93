namespace Bard.Training;

/// <summary>What one optimizer step measured (written to metrics.jsonl).</summary>
public sealed record StepMetrics(int Step, double Loss, double LearningRate, double GradNorm, int Tokens, double TokensPerSecond, int Epoch)
{
    /// <summary>Mean token loss on the validation set, when this step evaluated it.</summary>
    public double? ValidationLoss { get; init; }
}
