using Bard.Data;
using Bard.Data.Assembly;

namespace Bard.Tests.Data.Assembly;

public class DatasetBuilderTests
{
    static IEnumerable<BudgetedSample> Samples(int problems, params int[] budgets) =>
        from p in Enumerable.Range(0, problems)
        from b in budgets
        select new BudgetedSample($"p{p}", b, "t", "1", b, "c", Accepted: !(p == 0 && b == 8));

    [Fact]
    public void Build_ManyBudgetsPerProblem_NoProblemOnBothSides()
    {
        var split = DatasetBuilder.Build(Samples(200, 8, 16, 32, 64), new DatasetBuildOptions { ValidationFraction = 0.2, Seed = 3 });
        Assert.Empty(split.TrainProblems.Intersect(split.ValidationProblems));
        Assert.Equal(40, split.ValidationProblems.Count);
        Assert.Equal(160, split.TrainProblems.Count);
        Assert.Equal(200 * 4 - 1, split.Train.Count + split.Validation.Count);
        Assert.Equal(1, split.DroppedRejected);
    }

    [Fact]
    public void Build_SameSeed_SameOrder_OtherSeedOtherSplit()
    {
        var o = new DatasetBuildOptions { ValidationFraction = 0.25, Seed = 1 };
        var a = DatasetBuilder.Build(Samples(40, 8, 16), o);
        var b = DatasetBuilder.Build(Samples(40, 8, 16).Reverse(), o);
        Assert.Equal(a.Train, b.Train);
        Assert.Equal(a.Validation, b.Validation);
        var c = DatasetBuilder.Build(Samples(40, 8, 16), o with { Seed = 2 });
        Assert.NotEqual(a.ValidationProblems.Order(), c.ValidationProblems.Order());
    }

    [Fact]
    public void Build_Shuffles_TrainIsNotInProblemOrder()
    {
        var split = DatasetBuilder.Build(Samples(50, 8, 16), new DatasetBuildOptions { ValidationFraction = 0 });
        Assert.Empty(split.Validation);
        Assert.NotEqual(split.Train.OrderBy(s => s.ProblemId, StringComparer.Ordinal).ThenBy(s => s.Budget), split.Train);
    }

    [Fact]
    public void Build_FileConcatenatedWithItself_DropsTheCopiesAndKeepsOtherRenderings()
    {
        var once = DatasetBuilder.Build(Samples(20, 8, 16), new DatasetBuildOptions { ValidationFraction = 0.2 });
        var twice = DatasetBuilder.Build(Samples(20, 8, 16).Concat(Samples(20, 8, 16)), new DatasetBuildOptions { ValidationFraction = 0.2 });
        Assert.Equal(once.Train, twice.Train);
        Assert.Equal(once.Validation, twice.Validation);
        Assert.Equal(20 * 2 - 1, twice.DroppedDuplicates); // the rejected (p0, 8) is counted once, as rejected
        Assert.Equal(2, twice.DroppedRejected);
        // Another rendering of the same problem and budget is data, not a duplicate.
        var other = DatasetBuilder.Build(Samples(20, 8, 16).Append(new BudgetedSample("p3", 16, "other thinking", "1", 16, "c", Accepted: true)), new DatasetBuildOptions { ValidationFraction = 0.2 });
        Assert.Equal(0, other.DroppedDuplicates);
        Assert.Equal(once.Train.Count + once.Validation.Count + 1, other.Train.Count + other.Validation.Count);
    }

    [Fact]
    public void Build_SamplesPerProblem_CapsEachProblem()
    {
        var split = DatasetBuilder.Build(Samples(30, 8, 16, 32, 64), new DatasetBuildOptions { SamplesPerProblem = 2, ValidationFraction = 0.1 });
        Assert.All(split.Train.Concat(split.Validation).GroupBy(s => s.ProblemId), g => Assert.True(g.Count() <= 2));
        Assert.Equal(30 * 2, split.Train.Count + split.Validation.Count);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    public void Options_BadValidationFraction_IsRefused(double f) =>
        Assert.Throws<BardException>(() => DatasetBuilder.Build([], new DatasetBuildOptions { ValidationFraction = f }));
}
