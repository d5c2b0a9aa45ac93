namespace Bard.Eval;

/// <summary>
/// The Wilson score interval for a binomial proportion (Wilson 1927): with p̂ = k/n and z the normal quantile,
/// centre = (p̂ + z²/2n) / (1 + z²/n) and half-width = z / (1 + z²/n) · √(p̂(1−p̂)/n + z²/4n²).
/// Unlike the normal (Wald) interval it stays inside [0, 1] and is not empty at k = 0 or k = n, which matters
/// for the small n and extreme accuracies of AIME. Default z = 1.959964 (95%).
/// </summary>
/// <param name="Low">Lower bound, in [0, 1].</param>
/// <param name="High">Upper bound, in [0, 1].</param>
public readonly record struct WilsonInterval(double Low, double High)
{
    /// <summary>z for a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>The interval for <paramref name="successes"/> out of <paramref name="n"/>; null when n = 0.</summary>
    public static WilsonInterval? Of(int successes, int n, double z = Z95)
    {
        if (n < 0 || successes < 0 || successes > n) throw new ArgumentOutOfRangeException(nameof(successes), $"{successes} successes out of {n}");
        if (n == 0) return null;
        double p = (double)successes / n, z2 = z * z;
        double denom = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denom;
        double half = z / denom * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return new WilsonInterval(Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}
