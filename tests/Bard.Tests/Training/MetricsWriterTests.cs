using Bard.Training;

namespace Bard.Tests.Training;

public class MetricsWriterTests
{
    [Fact]
    public void Read_StepsWritten_NumbersOnly_TornLastLineSkipped()
    {
        using var tmp = new TempDir();
        using (var w = new MetricsWriter(tmp.Path, 0, tensorboard: false))
        {
            w.Write(1, new Dictionary<string, double> { ["loss"] = 2.5, ["lr"] = 1e-3 });
            w.Write(2, new Dictionary<string, double> { ["loss"] = double.NaN, ["lr"] = 2e-3 });
        }
        File.AppendAllText(Path.Combine(tmp.Path, MetricsWriter.FileName), "{\"step\":3,\"lo"); // a write torn by a kill
        var steps = MetricsWriter.Read(tmp.Path);
        Assert.Equal(2, steps.Count);
        Assert.Equal(new Dictionary<string, double> { ["step"] = 1, ["loss"] = 2.5, ["lr"] = 1e-3 }, steps[0]);
        Assert.Equal(new Dictionary<string, double> { ["step"] = 2, ["lr"] = 2e-3 }, steps[1]); // NaN was written as null
        Assert.Empty(MetricsWriter.Read(tmp.File("nowhere")));
    }
}
