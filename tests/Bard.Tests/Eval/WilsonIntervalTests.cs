using Bard.Eval;

namespace Bard.Tests.Eval;

public class WilsonIntervalTests
{
    // Hand-computed with z = 1.959964: centre = (p + z²/2n)/(1 + z²/n), half = z/(1 + z²/n)·√(p(1−p)/n + z²/4n²).
    // 8/10: centre 0.99207/1.38415 = 0.71674, half 1.41601·0.16001 = 0.22658.
    [Theory]
    [InlineData(8, 10, 0.49016, 0.94332)]
    [InlineData(0, 10, 0.00000, 0.27753)]
    [InlineData(10, 10, 0.72247, 1.00000)]
    [InlineData(1, 1, 0.20654, 1.00000)]
    [InlineData(50, 100, 0.40383, 0.59617)]
    public void Of_MatchesHandComputedBounds(int k, int n, double low, double high)
    {
        var ci = WilsonInterval.Of(k, n)!.Value;
        Assert.Equal(low, ci.Low, 4);
        Assert.Equal(high, ci.High, 4);
    }

    [Fact]
    public void Of_NoSamples_IsNull() => Assert.Null(WilsonInterval.Of(0, 0));

    [Fact]
    public void Of_MoreSuccessesThanTrials_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => WilsonInterval.Of(3, 2));
}
