namespace Bard.Training;

/// <summary>The learning rate at each optimizer step: linear warm-up, then cosine, linear or constant decay.</summary>
public static class LearningRate
{
    /// <summary>
    /// Learning rate for optimizer step <paramref name="step"/> (0-based) of <paramref name="totalSteps"/>:
    /// peak·(step+1)/warmup during warm-up, then a decay from peak to minRatio·peak reached at the last step.
    /// </summary>
    public static double At(int step, int totalSteps, double peak, int warmup, LrSchedule schedule, double minRatio)
    {
        if (step < warmup) return peak * (step + 1) / warmup;
        if (schedule == LrSchedule.Constant) return peak;
        int decaySteps = totalSteps - warmup - 1;
        double progress = decaySteps <= 0 ? 1.0 : Math.Clamp((double)(step - warmup) / decaySteps, 0, 1);
        double factor = schedule == LrSchedule.Cosine ? 0.5 * (1 + Math.Cos(Math.PI * progress)) : 1 - progress;
        return peak * (minRatio + (1 - minRatio) * factor);
    }
}
