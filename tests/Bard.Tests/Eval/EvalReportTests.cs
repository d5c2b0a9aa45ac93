using Bard.Eval;

namespace Bard.Tests.Eval;

public class EvalReportTests
{
    static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public void Write_ProducesSummaryReportAndPngPlots()
    {
        using var dir = new TempDir();
        var samples = EvalSummaryJsonTests.Samples();
        var summary = EvalSummary.FromSamples("gsm8k", [128, 256], 1.5, samples);
        var files = EvalReport.Write(dir.Path, summary, samples);

        Assert.True(File.Exists(files.Summary));
        Assert.Equal(4, files.Plots.Count); // accuracy and thinking vs budget, the accuracy–compute frontier, L / b
        foreach (var png in files.Plots)
        {
            byte[] bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 10_000, $"{png} is only {bytes.Length} bytes");
            Assert.Equal(PngSignature, bytes[..8]);
        }
        string md = File.ReadAllText(files.Report);
        Assert.Contains("| method | none | 128 | 256 |", md);
        Assert.Contains("| bard | – | 50.0% | 100.0% |", md);
        Assert.Contains("## truncation", md);
        Assert.Contains("![accuracy_vs_budget](accuracy_vs_budget.png)", md);
        Assert.Contains("![accuracy_vs_thinking](accuracy_vs_thinking.png)", md);
    }

    [Fact]
    public void Rebuild_FromSamplesFile_KeepsTaskAndBudgetsOfSummary()
    {
        using var dir = new TempDir();
        var samples = EvalSummaryJsonTests.Samples();
        EvalSamplesFile.Append(Path.Combine(dir.Path, EvalSamplesFile.FileName), samples);
        EvalSummaryJson.Write(Path.Combine(dir.Path, EvalReport.SummaryFile), EvalSummary.FromSamples("aime24", [128, 256, 512], 9, samples));
        var files = EvalReport.Rebuild(dir.Path, "ignored");
        var back = EvalSummaryJson.Read(files.Summary);
        Assert.Equal("aime24", back.Task);
        Assert.Equal([128, 256, 512], back.Budgets);
        Assert.Equal(3, back.Methods.Count);
    }

    [Fact]
    public void Render_PerMethodTable_AccuracyWithWilsonInterval()
    {
        // bard at 128: 1/2 correct → Wilson [9.5, 90.5]; L = 100, 200 → mean 150, median 150, |L−b|/b 0.391, over 50%.
        var md = ReportMarkdown.Render(EvalSummary.FromSamples("gsm8k", [128, 256], 1, EvalSummaryJsonTests.Samples()), []);
        // (mean L − b)/b = 22/128 = +0.172; RMSE √((28² + 72²)/2)/128 = 0.427.
        Assert.Contains("| 128 | 50.0% [9.5, 90.5] | 150.0 | 150 | 0.391 | +0.172 | 0.427 | 50.0% | 50.0% | 2 |", md);
        Assert.DoesNotContain("## Plots", md);
    }

    [Theory]
    [InlineData(0)]  // no samples at all
    [InlineData(1)]  // mode none only: no budget axis
    [InlineData(2)]  // one budget, zero-length thinking (log2 of 0 must be skipped)
    public void Write_DegenerateRuns_StillWritePlots(int which)
    {
        using var dir = new TempDir();
        EvalSample[] samples = which switch
        {
            0 => [],
            1 => [new("agnostic", null, "p1", true, 50, true, 5, "1", false)],
            _ => [new("bard", 64, "p1", false, 0, true, 5, null, false)],
        };
        var files = EvalReport.Write(dir.Path, EvalSummary.FromSamples("t", which == 2 ? [64] : [], 0, samples), samples);
        Assert.All(files.Plots, p => Assert.True(new FileInfo(p).Length > 1000, p));
    }
}
