using Bard.Rl;

namespace Bard.Tests.Rl;

public class BudgetFidelityTests
{
    // Defaults: τ = 0.5, σ = 0.25. Expected values by hand: Linear 1 − |L − b|/(τb); Gaussian exp(−½((L − b)/(σb))²);
    // OneSidedMax 1 up to b, then 1 − (L − b)/(τb).
    [Theory]
    [InlineData(FidelityShape.Linear, 100, 100, 1.0)]
    [InlineData(FidelityShape.Linear, 0, 100, 0.0)]
    [InlineData(FidelityShape.Linear, 50, 100, 0.0)]      // b(1 − τ)
    [InlineData(FidelityShape.Linear, 150, 100, 0.0)]     // b(1 + τ)
    [InlineData(FidelityShape.Linear, 75, 100, 0.5)]
    [InlineData(FidelityShape.Linear, 125, 100, 0.5)]
    [InlineData(FidelityShape.Linear, 90, 100, 0.8)]
    [InlineData(FidelityShape.Linear, 300, 100, 0.0)]     // beyond: clamped at 0, not negative
    [InlineData(FidelityShape.Linear, 12, 10, 0.6)]
    [InlineData(FidelityShape.Gaussian, 100, 100, 1.0)]
    [InlineData(FidelityShape.Gaussian, 125, 100, 0.6065306597126334)] // exp(−½)
    [InlineData(FidelityShape.Gaussian, 75, 100, 0.6065306597126334)]
    [InlineData(FidelityShape.Gaussian, 150, 100, 0.1353352832366127)] // exp(−2)
    [InlineData(FidelityShape.Gaussian, 50, 100, 0.1353352832366127)]
    [InlineData(FidelityShape.Gaussian, 0, 100, 0.00033546262790251185)] // exp(−8)
    [InlineData(FidelityShape.Gaussian, 200, 100, 0.00033546262790251185)]
    [InlineData(FidelityShape.OneSidedMax, 0, 100, 1.0)]
    [InlineData(FidelityShape.OneSidedMax, 50, 100, 1.0)]
    [InlineData(FidelityShape.OneSidedMax, 100, 100, 1.0)]
    [InlineData(FidelityShape.OneSidedMax, 110, 100, 0.8)]
    [InlineData(FidelityShape.OneSidedMax, 125, 100, 0.5)]
    [InlineData(FidelityShape.OneSidedMax, 150, 100, 0.0)]
    [InlineData(FidelityShape.OneSidedMax, 400, 100, 0.0)]
    public void Of_DefaultParameters_MatchesHandComputedRow(FidelityShape shape, int thinking, int budget, double expected)
    {
        double actual = BudgetFidelity.Of(thinking, budget, new RewardConfig { Fidelity = shape });
        Assert.True(Math.Abs(actual - expected) <= 1e-12, $"{shape} f(L={thinking}, b={budget}): expected {expected:R}, got {actual:R}");
    }

    [Theory]
    [InlineData(FidelityShape.Linear, 0.2, 0.25, 11, 10, 0.5)]       // 1 − 0.1/0.2
    [InlineData(FidelityShape.Linear, 1.0, 0.25, 0, 10, 0.0)]
    [InlineData(FidelityShape.Linear, 2.0, 0.25, 0, 10, 0.5)]        // τ > 1: L = 0 still earns some
    [InlineData(FidelityShape.OneSidedMax, 0.1, 0.25, 105, 100, 0.5)]
    [InlineData(FidelityShape.Gaussian, 0.5, 0.5, 150, 100, 0.6065306597126334)] // σ = 0.5: 50% off is one σ
    public void Of_CustomToleranceOrSigma_MatchesHandComputedRow(FidelityShape shape, double tolerance, double sigma, int thinking, int budget, double expected)
    {
        double actual = BudgetFidelity.Of(thinking, budget, new RewardConfig { Fidelity = shape, Tolerance = tolerance, Sigma = sigma });
        Assert.True(Math.Abs(actual - expected) <= 1e-12, $"{shape} τ={tolerance} σ={sigma} f(L={thinking}, b={budget}): expected {expected:R}, got {actual:R}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Of_NonPositiveBudget_ThrowsNamingTheBudget(int budget)
    {
        var e = Assert.Throws<BardException>(() => BudgetFidelity.Of(10, budget, new RewardConfig()));
        Assert.Contains("budget", e.Message);
        Assert.Contains(budget.ToString(), e.Message);
    }

    [Fact]
    public void Of_NegativeLength_Throws()
    {
        var e = Assert.Throws<BardException>(() => BudgetFidelity.Of(-1, 10, new RewardConfig()));
        Assert.Contains("thinking length", e.Message);
    }
}
