namespace Bard.Eval;

/// <summary>
/// The metrics of one method at one budget, computed from its samples by <see cref="Compute"/> (a pure function).
/// L is a sample's thinking tokens and b the budget. Metrics that are undefined are null: every metric when
/// n = 0, and the budget metrics (|L − b| / b, over-budget rate) when there is no budget (mode <c>none</c>).
/// </summary>
/// <param name="Budget">b in tokens; null for mode <c>none</c>.</param>
/// <param name="N">Number of samples.</param>
/// <param name="Accuracy">Fraction of samples whose answer is correct.</param>
/// <param name="AccuracyCi">95% Wilson score interval of the accuracy (<see cref="WilsonInterval"/>).</param>
/// <param name="MeanThinkingTokens">Mean L.</param>
/// <param name="MedianThinkingTokens">Median L (mean of the two middle values when n is even).</param>
/// <param name="MeanAbsRelDev">Mean of |L − b| / b: how far thinking strays from the budget, either way.</param>
/// <param name="OverBudgetRate">Fraction of samples with L &gt; b (strictly).</param>
public sealed record BudgetMetrics(
    int? Budget,
    int N,
    double? Accuracy,
    WilsonInterval? AccuracyCi,
    double? MeanThinkingTokens,
    double? MedianThinkingTokens,
    double? MeanAbsRelDev,
    double? OverBudgetRate)
{
    /// <summary>(mean L − b) / b: the signed error of the mean length (negative: thinks less than asked); null without a budget.</summary>
    public double? MeanSignedRelDev { get; init; }

    /// <summary>√(mean(((L − b) / b)²)): the root-mean-square relative error (L1's figure, Aggarwal &amp; Welleck 2025); null without a budget.</summary>
    public double? RmseRelDev { get; init; }

    /// <summary>Fraction of samples whose thinking the model closed itself; null when n = 0.</summary>
    public double? ClosedThinkingRate { get; init; }

    /// <summary>Fraction of samples cut by budget forcing or a length limit; null when n = 0.</summary>
    public double? TruncatedRate { get; init; }

    /// <summary>Mean answer tokens (after the thinking); null when n = 0.</summary>
    public double? MeanAnswerTokens { get; init; }

    /// <summary>Accuracy per difficulty label, sorted by label; empty when the benchmark has no labels.</summary>
    public IReadOnlyList<DifficultyAccuracy> PerDifficulty { get; init; } = [];

    /// <summary>
    /// Metrics of <paramref name="samples"/> at <paramref name="budget"/>. The samples must all carry that budget.
    /// <paramref name="difficulty"/> maps problem ids to labels for <see cref="PerDifficulty"/> (null: none).
    /// </summary>
    public static BudgetMetrics Compute(int? budget, IReadOnlyCollection<EvalSample> samples, IReadOnlyDictionary<string, string>? difficulty = null)
    {
        if (budget is < 1) throw new ArgumentOutOfRangeException(nameof(budget), budget, "a budget is at least 1 token");
        foreach (var s in samples)
            if (s.Budget != budget)
                throw new ArgumentException($"sample of {s.ProblemId} has budget {s.Budget?.ToString() ?? "none"}, expected {budget?.ToString() ?? "none"}", nameof(samples));
        int n = samples.Count;
        if (n == 0) return new BudgetMetrics(budget, 0, null, null, null, null, null, null);

        int correct = samples.Count(s => s.Correct);
        double[] lengths = samples.Select(s => (double)s.ThinkingTokens).Order().ToArray();
        double median = n % 2 == 1 ? lengths[n / 2] : (lengths[n / 2 - 1] + lengths[n / 2]) / 2;
        double? dev = budget is { } b ? lengths.Average(l => Math.Abs(l - b) / b) : null;
        double? over = budget is { } b2 ? (double)lengths.Count(l => l > b2) / n : null;

        var perDifficulty = difficulty is null ? [] : samples
            .Where(s => difficulty.ContainsKey(s.ProblemId))
            .GroupBy(s => difficulty[s.ProblemId])
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new DifficultyAccuracy(g.Key, g.Count(), (double)g.Count(s => s.Correct) / g.Count()))
            .ToArray();

        return new BudgetMetrics(budget, n, (double)correct / n, WilsonInterval.Of(correct, n), lengths.Average(), median, dev, over)
        {
            MeanSignedRelDev = budget is { } b3 ? (lengths.Average() - b3) / b3 : null,
            RmseRelDev = budget is { } b4 ? Math.Sqrt(lengths.Average(l => (l - b4) * (l - b4) / ((double)b4 * b4))) : null,
            ClosedThinkingRate = (double)samples.Count(s => s.ClosedThinking) / n,
            TruncatedRate = (double)samples.Count(s => s.Truncated) / n,
            MeanAnswerTokens = samples.Average(s => (double)s.AnswerTokens),
            PerDifficulty = perDifficulty,
        };
    }
}
