using Bard.Eval;

namespace Bard.Tests.Eval;

public class GpqaCsvTests
{
    static readonly string Csv = Fixtures.Path("benchmarks", "gpqa", "gpqa_sample.csv");

    // The correct option text of each hand-written row, in file order.
    static readonly string[] CorrectTexts = ["Na", "20 m/s", "DNA", "6"];

    [Fact]
    public void Load_GoldLetterPointsAtCorrectText()
    {
        var set = GpqaCsv.Load(Csv, seed: 0);
        Assert.Equal(AnswerKind.Choice, set.AnswerKind);
        Assert.Equal(["recHandMade00001", "recHandMade00002", "recHandMade00003", "recHandMade00004"], set.Problems.Select(p => p.Id));
        for (int i = 0; i < set.Problems.Count; i++)
        {
            var p = set.Problems[i];
            int letter = GpqaCsv.Letters.IndexOf(p.Answer, StringComparison.Ordinal);
            Assert.InRange(letter, 0, 3);
            Assert.Equal(CorrectTexts[i], p.Choices![letter]);
            Assert.Contains($"\n{p.Answer}) {CorrectTexts[i]}", p.Question);
        }
    }

    [Fact]
    public void Load_QuotedFieldsKeepCommasNewlinesAndQuotes()
    {
        var set = GpqaCsv.Load(Csv, seed: 0);
        Assert.Contains("N, a", set.Problems[0].Choices!);
        Assert.StartsWith("A ball is dropped from rest.\nIgnoring air resistance", set.Problems[1].Question);
        Assert.Contains("\"glucose\"", set.Problems[2].Choices!);
        Assert.StartsWith("Easy undergraduate", set.Difficulty["recHandMade00001"]);
    }

    [Fact]
    public void Load_SameSeed_SameOrder_OtherSeed_OtherOrder()
    {
        var a = GpqaCsv.Load(Csv, seed: 7).Problems;
        var b = GpqaCsv.Load(Csv, seed: 7).Problems;
        var c = GpqaCsv.Load(Csv, seed: 8).Problems;
        Assert.Equal(a.Select(p => string.Join("|", p.Choices!)), b.Select(p => string.Join("|", p.Choices!)));
        Assert.NotEqual(a.Select(p => string.Join("|", p.Choices!)), c.Select(p => string.Join("|", p.Choices!)));
    }

    [Fact]
    public void ShuffleOrder_IsPermutation_AndGoldsNotAllSameLetter()
    {
        Assert.Equal([0, 1, 2, 3], GpqaCsv.ShuffleOrder(3, "recX").Order());
        // Over 40 ids the correct option (index 0) must land on more than one letter.
        var letters = Enumerable.Range(0, 40).Select(i => Array.IndexOf(GpqaCsv.ShuffleOrder(0, $"rec{i}"), 0)).Distinct().Count();
        Assert.Equal(4, letters);
    }

    [Fact]
    public void Render_LettersOptions() =>
        Assert.Equal("Q?\n\nA) x\nB) y\nC) z\nD) w", GpqaCsv.Render(" Q? ", ["x", "y", "z", "w"]));

    [Fact]
    public void Load_MissingColumn_NamesColumnAndFile()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("bad.csv"), "Question,Correct Answer\nq,a\n");
        var e = Assert.Throws<BardException>(() => GpqaCsv.Load(dir.File("bad.csv"), 0));
        Assert.Contains("bad.csv", e.Message);
        Assert.Contains("'Record ID'", e.Message);
    }
}
