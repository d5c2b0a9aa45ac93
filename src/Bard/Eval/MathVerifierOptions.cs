namespace Bard.Eval;

/// <summary>How <see cref="MathVerifier"/> compares numbers. Immutable; use <c>with</c> for variations.</summary>
public sealed record MathVerifierOptions
{
    /// <summary>
    /// Two numbers are equal when they agree after rounding both to this many decimal places (Math-Verify's
    /// <c>float_rounding</c>). Default 6: 0.0833333 equals 1/12, 0.33 does not equal 1/3. Must be 0–15.
    /// </summary>
    public int DecimalPlaces { get; init; } = 6;

    /// <summary>
    /// Two numbers are also equal when |a − b| ≤ RelativeTolerance · max(|a|, |b|) (for large magnitudes, where
    /// rounding to decimal places is meaningless). Default 1e-6. Must be in [0, 0.1].
    /// </summary>
    public double RelativeTolerance { get; init; } = 1e-6;

    /// <summary>
    /// When the gold answer is an integer, a numeric prediction must equal it exactly (no tolerance):
    /// the AIME rule (gold 0–999), also right for GSM8K. Default true.
    /// </summary>
    public bool ExactIntegers { get; init; } = true;

    /// <summary>Throws <see cref="BardException"/> naming the field when an option is out of range.</summary>
    public void Validate()
    {
        if (DecimalPlaces is < 0 or > 15)
            throw new BardException($"MathVerifierOptions.DecimalPlaces must be between 0 and 15, got {DecimalPlaces}.");
        if (!(RelativeTolerance >= 0 && RelativeTolerance <= 0.1))
            throw new BardException($"MathVerifierOptions.RelativeTolerance must be between 0 and 0.1, got {RelativeTolerance}.");
    }
}
