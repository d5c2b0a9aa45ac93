using Bard.Data;
using Bard.Data.Assembly;

namespace Bard.Tests.Data.Assembly;

public class BudgetScheduleTests
{
    [Fact]
    public void Parse_List_GivesEveryLevelAscending() =>
        Assert.Equal([16, 32, 64, 128], BudgetSchedule.Parse("64, 16,128,32", null, 0).BudgetsFor("p"));

    [Fact]
    public void Parse_ListWithSamplesPerProblem_GivesSeededSubsetOfThatSize()
    {
        var s = BudgetSchedule.Parse("4,8,16,32,64,128", 2, 7);
        var chosen = Enumerable.Range(0, 40).Select(i => s.BudgetsFor($"p{i}")).ToArray();
        Assert.All(chosen, c => Assert.Equal(2, c.Count));
        Assert.All(chosen, c => Assert.Subset(new HashSet<int> { 4, 8, 16, 32, 64, 128 }, c.ToHashSet()));
        Assert.Equal(chosen[3], s.BudgetsFor("p3"));
        Assert.True(chosen.Select(c => string.Join(",", c)).Distinct().Count() > 5, "per-problem subsets should vary");
    }

    [Fact]
    public void Parse_LogUniform_DrawsDistinctBudgetsInRange()
    {
        var s = BudgetSchedule.Parse("loguniform:4:128", 3, 1);
        var all = Enumerable.Range(0, 200).SelectMany(i => s.BudgetsFor($"p{i}")).ToArray();
        Assert.All(all, b => Assert.InRange(b, 4, 128));
        Assert.Equal(600, all.Length);
        // log-uniform: about half of the draws fall below the geometric mean sqrt(4·128) ≈ 22.6
        double below = all.Count(b => b < 22.6) / (double)all.Length;
        Assert.InRange(below, 0.4, 0.6);
    }

    [Theory]
    [InlineData("16,x", null, "comma-separated")]
    [InlineData("16,0", null, "≤ 0")]
    [InlineData("16,16", null, "repeats")]
    [InlineData("loguniform:8", 2, "loguniform:MIN:MAX")]
    [InlineData("loguniform:64:8", 2, "1 ≤ MIN ≤ MAX")]
    [InlineData("loguniform:4:64", null, "--samples-per-problem")]
    public void Parse_Bad_SaysHowToFix(string text, int? perProblem, string expected)
    {
        var e = Assert.Throws<BardException>(() => BudgetSchedule.Parse(text, perProblem, 0));
        Assert.Contains(expected, e.Message);
    }
}
