namespace Bard.Data.Assembly;

/// <summary>
/// Assembles budgeted samples into a data set: drops rejected samples and exact duplicates (the same problem, budget,
/// thinking and answer twice, e.g. a samples file concatenated with itself: each copy would weigh the sample again), keeps at most N per problem, splits
/// train/validation by problem (never by sample, so the same question at another budget cannot leak into
/// validation) and shuffles, all with one seed.
/// </summary>
public static class DatasetBuilder
{
    public static DatasetSplit Build(IEnumerable<BudgetedSample> samples, DatasetBuildOptions options)
    {
        options.Validate();
        var all = samples.ToList();
        var accepted = options.IncludeRejected ? all : all.Where(s => s.Accepted).ToList();
        var seen = new HashSet<(string, int, string, string)>();
        var kept = accepted.Where(s => seen.Add((s.ProblemId, s.Budget, s.Thinking, s.Answer))).ToList();
        var byProblem = kept.GroupBy(s => s.ProblemId, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(s => s.Budget).ToList(), StringComparer.Ordinal);

        var problems = byProblem.Keys.ToArray(); // ordinal order: the split does not depend on the file's order
        new Random(options.Seed).Shuffle(problems);
        int nValidation = (int)Math.Round(problems.Length * options.ValidationFraction);
        if (options.ValidationFraction > 0 && nValidation == 0 && problems.Length > 1) nValidation = 1;
        var validationIds = problems.Take(nValidation).ToHashSet(StringComparer.Ordinal);

        var train = new List<BudgetedSample>();
        var validation = new List<BudgetedSample>();
        foreach (var (id, list) in byProblem)
        {
            IEnumerable<BudgetedSample> chosen = list;
            if (options.SamplesPerProblem is { } n && list.Count > n)
            {
                var random = new Random(StableHash.Combine(options.Seed, id));
                chosen = list.OrderBy(_ => random.Next()).Take(n).OrderBy(s => s.Budget);
            }
            (validationIds.Contains(id) ? validation : train).AddRange(chosen);
        }
        var trainArray = train.ToArray();
        var validationArray = validation.ToArray();
        new Random(StableHash.Combine(options.Seed, "train")).Shuffle(trainArray);
        new Random(StableHash.Combine(options.Seed, "validation")).Shuffle(validationArray);
        return new DatasetSplit(trainArray, validationArray, all.Count - accepted.Count, accepted.Count - kept.Count);
    }
}
