namespace Bard.Data;

/// <summary>
/// What <c>bard data stats</c> reports about budgeted samples: counts, mean and spread of the thinking length
/// per budget, mean |L − b| / b, and a histogram of lengths in power-of-two bins.
/// </summary>
/// <param name="Count">All samples.</param>
/// <param name="Accepted">Accepted samples.</param>
/// <param name="Problems">Distinct problems.</param>
/// <param name="PerBudget">One row per budget, ascending.</param>
/// <param name="MeanRelativeError">Mean |L − b| / b over all samples.</param>
/// <param name="MeanRelativeErrorAccepted">Mean |L − b| / b over accepted samples.</param>
/// <param name="Histogram">Length bins [Low, High] with their counts; bins are 0, 1, 2–3, 4–7, …</param>
public sealed record SampleStatistics(
    int Count, int Accepted, int Problems, IReadOnlyList<BudgetLevelStatistics> PerBudget,
    double MeanRelativeError, double MeanRelativeErrorAccepted, IReadOnlyList<(int Low, int High, int Count)> Histogram)
{
    public static SampleStatistics Compute(IReadOnlyCollection<BudgetedSample> samples)
    {
        var perBudget = samples.GroupBy(s => s.Budget).OrderBy(g => g.Key).Select(g =>
        {
            var lengths = g.Select(s => (double)s.ThinkingTokens).ToArray();
            double mean = lengths.Average();
            double std = Math.Sqrt(lengths.Select(x => (x - mean) * (x - mean)).Average());
            var accepted = g.Where(s => s.Accepted).ToArray();
            return new BudgetLevelStatistics(g.Key, g.Count(), accepted.Length, mean, std, g.Min(s => s.ThinkingTokens), g.Max(s => s.ThinkingTokens),
                g.Average(s => s.RelativeLengthError), accepted.Length > 0 ? accepted.Average(s => s.RelativeLengthError) : double.NaN);
        }).ToArray();
        var acceptedAll = samples.Where(s => s.Accepted).ToArray();
        return new SampleStatistics(
            samples.Count, acceptedAll.Length, samples.Select(s => s.ProblemId).Distinct().Count(), perBudget,
            samples.Count > 0 ? samples.Average(s => s.RelativeLengthError) : double.NaN,
            acceptedAll.Length > 0 ? acceptedAll.Average(s => s.RelativeLengthError) : double.NaN,
            LengthHistogram(samples.Select(s => s.ThinkingTokens)));
    }

    /// <summary>Counts of lengths in bins 0, 1, 2–3, 4–7, 8–15, … up to the largest non-empty bin.</summary>
    public static IReadOnlyList<(int Low, int High, int Count)> LengthHistogram(IEnumerable<int> lengths)
    {
        var counts = new SortedDictionary<int, int>();
        foreach (int l in lengths)
        {
            int bin = l <= 0 ? 0 : 1 + (int)Math.Floor(Math.Log2(l));
            counts[bin] = counts.GetValueOrDefault(bin) + 1;
        }
        if (counts.Count == 0) return [];
        int last = counts.Keys.Max();
        return Enumerable.Range(0, last + 1)
            .Select(bin => bin == 0 ? (0, 0, counts.GetValueOrDefault(0)) : (1 << (bin - 1), (1 << bin) - 1, counts.GetValueOrDefault(bin)))
            .ToArray();
    }
}
