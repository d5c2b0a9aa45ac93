namespace Bard.Data.Assembly;

/// <summary>How <see cref="DatasetBuilder"/> assembles budgeted samples into train and validation sets.</summary>
public sealed record DatasetBuildOptions
{
    /// <summary>Share of problems (never samples) that go to validation. Default 0.1.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Seed of the split, the per-problem subsampling and the shuffles. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Most samples kept per problem (a seeded choice among its accepted samples); null keeps all. Default null.</summary>
    public int? SamplesPerProblem { get; init; }

    /// <summary>Keep samples whose <see cref="BudgetedSample.Accepted"/> is false. Default false.</summary>
    public bool IncludeRejected { get; init; }

    public DatasetBuildOptions Validate()
    {
        if (ValidationFraction is < 0 or >= 1) throw new BardException($"validation fraction is {ValidationFraction}; use a number in [0, 1), e.g. 0.1.");
        if (SamplesPerProblem is < 1) throw new BardException($"samples per problem is {SamplesPerProblem}; use at least 1.");
        return this;
    }
}
