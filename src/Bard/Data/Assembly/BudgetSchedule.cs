using System.Globalization;

namespace Bard.Data.Assembly;

/// <summary>
/// Which budgets each problem is compressed to: an explicit list of levels (every level, or a seeded subset of
/// <see cref="SamplesPerProblem"/>), or <see cref="SamplesPerProblem"/> distinct draws from a log-uniform
/// distribution on [<see cref="Min"/>, <see cref="Max"/>]. Draws depend only on the seed and the problem id,
/// so a re-run draws the same budgets.
/// </summary>
public sealed record BudgetSchedule
{
    /// <summary>Explicit budget levels, in student tokens; null for the log-uniform distribution.</summary>
    public IReadOnlyList<int>? Levels { get; init; }

    /// <summary>Smallest budget of the log-uniform distribution.</summary>
    public int Min { get; init; } = 4;

    /// <summary>Largest budget of the log-uniform distribution.</summary>
    public int Max { get; init; } = 128;

    /// <summary>Budgets per problem; null with <see cref="Levels"/> means every level. Default null.</summary>
    public int? SamplesPerProblem { get; init; }

    /// <summary>Seed of the per-problem draws. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Parses <c>16,32,64</c> or <c>loguniform:MIN:MAX</c>.</summary>
    public static BudgetSchedule Parse(string text, int? samplesPerProblem, int seed)
    {
        var schedule = text.StartsWith("loguniform:", StringComparison.OrdinalIgnoreCase)
            ? ParseLogUniform(text)
            : new BudgetSchedule { Levels = ParseLevels(text) };
        return (schedule with { SamplesPerProblem = samplesPerProblem, Seed = seed }).Validate();
    }

    static BudgetSchedule ParseLogUniform(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 3 || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out int min) || !int.TryParse(parts[2], CultureInfo.InvariantCulture, out int max))
            throw new BardException($"budgets '{text}': write a distribution as loguniform:MIN:MAX, e.g. loguniform:4:128.");
        return new BudgetSchedule { Min = min, Max = max };
    }

    static int[] ParseLevels(string text)
    {
        try
        {
            return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (FormatException)
        {
            throw new BardException($"budgets '{text}': write a comma-separated list of token counts (16,32,64,128) or loguniform:MIN:MAX.");
        }
    }

    /// <summary>Throws <see cref="BardException"/> naming the bad field.</summary>
    public BudgetSchedule Validate()
    {
        if (Levels is { } levels)
        {
            if (levels.Count == 0) throw new BardException("budgets: the list is empty; give at least one budget.");
            if (levels.Any(b => b <= 0)) throw new BardException($"budgets: {string.Join(",", levels)} has a budget ≤ 0; budgets are token counts ≥ 1.");
            if (levels.Distinct().Count() != levels.Count) throw new BardException($"budgets: {string.Join(",", levels)} repeats a level; list each once.");
        }
        else if (Min < 1 || Max < Min)
            throw new BardException($"budgets: loguniform:{Min}:{Max} needs 1 ≤ MIN ≤ MAX.");
        if (SamplesPerProblem is < 1) throw new BardException($"samples per problem is {SamplesPerProblem}; use at least 1.");
        if (Levels is null && SamplesPerProblem is null) throw new BardException("budgets: a distribution needs --samples-per-problem N (how many budgets to draw per problem).");
        return this;
    }

    /// <summary>The budgets for one problem, ascending and distinct.</summary>
    public IReadOnlyList<int> BudgetsFor(string problemId)
    {
        var random = new Random(StableHash.Combine(Seed, problemId));
        if (Levels is { } levels)
        {
            if (SamplesPerProblem is not { } n || n >= levels.Count) return levels.Order().ToArray();
            return levels.OrderBy(_ => random.Next()).Take(n).Order().ToArray();
        }
        int want = Math.Min(SamplesPerProblem!.Value, Max - Min + 1);
        var chosen = new SortedSet<int>();
        for (int tries = 0; chosen.Count < want && tries < 100 * want; tries++)
            chosen.Add((int)Math.Round(Math.Exp(Math.Log(Min) + random.NextDouble() * (Math.Log(Max) - Math.Log(Min)))));
        return chosen.ToArray();
    }
}
