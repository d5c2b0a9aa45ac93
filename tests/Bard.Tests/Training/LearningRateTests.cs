using Bard.Training;

namespace Bard.Tests.Training;

public class LearningRateTests
{
    [Theory]
    // step, total, warmup, schedule, minRatio, expected (peak 1.0)
    [InlineData(0, 10, 4, LrSchedule.Cosine, 0.0, 0.25)]
    [InlineData(3, 10, 4, LrSchedule.Cosine, 0.0, 1.0)]
    [InlineData(4, 10, 4, LrSchedule.Cosine, 0.0, 1.0)]      // first decay step: progress 0
    [InlineData(9, 10, 4, LrSchedule.Cosine, 0.0, 0.0)]      // last step: progress 1
    [InlineData(9, 10, 4, LrSchedule.Cosine, 0.1, 0.1)]
    [InlineData(6, 11, 2, LrSchedule.Cosine, 0.0, 0.5)]      // progress (6-2)/8 = 0.5: cos(π/2) → 0.5
    [InlineData(6, 11, 2, LrSchedule.Linear, 0.0, 0.5)]
    [InlineData(4, 11, 2, LrSchedule.Linear, 0.2, 0.8)]      // progress 0.25: 0.2 + 0.8·0.75
    [InlineData(7, 10, 0, LrSchedule.Constant, 0.1, 1.0)]
    [InlineData(0, 1, 0, LrSchedule.Cosine, 0.1, 0.1)]       // a one-step run ends at the floor
    public void At_Table(int step, int total, int warmup, LrSchedule schedule, double minRatio, double expected)
    {
        Assert.Equal(expected, LearningRate.At(step, total, 1.0, warmup, schedule, minRatio), 12);
    }
}
