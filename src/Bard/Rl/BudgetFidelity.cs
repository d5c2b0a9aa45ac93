namespace Bard.Rl;

/// <summary>
/// Budget fidelity f(L, b) ∈ [0, 1]: how well a thinking length L (tokens) keeps a budget b (tokens). Pure
/// arithmetic on counts; knows nothing about text, tokenizers or correctness.
/// </summary>
public static class BudgetFidelity
{
    /// <summary>
    /// f(L, b) for the shape in <paramref name="config"/>; 1 at L = b. <paramref name="thinkingTokens"/> is L, the
    /// thinking tokens generated (for an unclosed thinking block: all of them up to the end of the completion).
    /// Throws <see cref="BardException"/> when b ≤ 0 or L &lt; 0.
    /// </summary>
    public static double Of(int thinkingTokens, int budget, RewardConfig config)
    {
        if (budget <= 0) throw new BardException($"Budget fidelity: the budget must be a positive number of tokens (got {budget}).");
        if (thinkingTokens < 0) throw new BardException($"Budget fidelity: the thinking length must be ≥ 0 tokens (got {thinkingTokens}).");
        double b = budget, delta = (thinkingTokens - b) / b; // relative error (L − b)/b
        return config.Fidelity switch
        {
            FidelityShape.Linear => Math.Max(0, 1 - Math.Abs(delta) / config.Tolerance),
            FidelityShape.Gaussian => Math.Exp(-0.5 * Square(delta / config.Sigma)),
            FidelityShape.OneSidedMax => delta <= 0 ? 1 : Math.Max(0, 1 - delta / config.Tolerance),
            _ => throw new BardException($"Budget fidelity: unknown shape {config.Fidelity}."),
        };
    }

    static double Square(double x) => x * x;
}
