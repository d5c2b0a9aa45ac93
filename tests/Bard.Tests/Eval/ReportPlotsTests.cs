using Bard.Eval;

namespace Bard.Tests.Eval;

public class ReportPlotsTests
{
    // bins of width 0.1 are (k·0.1, (k+1)·0.1]; 31 bins, the last holds everything above 3.
    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.05, 0)]
    [InlineData(0.1, 0)]
    [InlineData(0.15, 1)]
    [InlineData(1.0, 9)]
    [InlineData(1.01, 10)]
    [InlineData(3.0, 29)]
    [InlineData(3.05, 30)]
    [InlineData(50.0, 30)]
    public void RatioBin_Table(double ratio, int bin) => Assert.Equal(bin, ReportPlots.RatioBin(ratio, 31));
}
