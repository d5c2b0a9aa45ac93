using Bard.Eval;

namespace Bard.Tests.Eval;

public class BenchmarkLoaderTests
{
    static readonly string Data = Fixtures.Path("benchmarks");

    static BenchmarkSet Load(Benchmark b, string? file = null, JsonlFieldMapping? fields = null, int? limit = null) =>
        BenchmarkLoader.Load(new BenchmarkLoadOptions { Benchmark = b, DataDirectory = Data, File = file, Fields = fields ?? new(), Limit = limit });

    [Fact]
    public void Gsm8k_GoldIsTextAfterLastHashesWithoutCommas()
    {
        var set = Load(Benchmark.Gsm8k);
        Assert.Equal(AnswerKind.Math, set.AnswerKind);
        Assert.Equal("gsm8k", set.Name);
        Assert.Equal(["18", "3", "70000", "540", "2125"], set.Problems.Select(p => p.Answer));
        Assert.Equal(["gsm8k-test-0000", "gsm8k-test-0001"], set.Problems.Take(2).Select(p => p.Id));
        Assert.StartsWith("Janet", set.Problems[0].Question);
        Assert.All(set.Problems, p => Assert.Equal("gsm8k", p.Source));
    }

    [Theory]
    [InlineData("a\n#### 18", "18")]
    [InlineData("x #### 1 \n#### 1,234,567 ", "1234567")]
    [InlineData("#### -3.5", "-3.5")]
    public void Gsm8kGold_Table(string solution, string gold) => Assert.Equal(gold, BenchmarkLoader.Gsm8kGold(solution, "f:1"));

    [Fact]
    public void Gsm8kGold_NoHashes_NamesLocationAndFix()
    {
        var e = Assert.Throws<BardException>(() => BenchmarkLoader.Gsm8kGold("just text", "test.jsonl:7"));
        Assert.Contains("test.jsonl:7", e.Message);
        Assert.Contains("####", e.Message);
    }

    [Fact]
    public void Math500_IdsAnswersAndLevels()
    {
        var set = Load(Benchmark.Math500);
        Assert.Equal(5, set.Problems.Count);
        Assert.Equal("test/precalculus/807.json", set.Problems[0].Id);
        Assert.Equal(@"\left( 3, \frac{\pi}{2} \right)", set.Problems[0].Answer);
        Assert.Equal("level 2", set.Difficulty["test/precalculus/807.json"]);
        Assert.Equal(5, set.Difficulty.Count);
    }

    [Fact]
    public void Aime24_IdsFromUrlAndZeroPaddedAnswerUnpadded()
    {
        var set = Load(Benchmark.Aime24);
        Assert.Equal(["204", "113", "371", "385", "25"], set.Problems.Select(p => p.Answer));
        Assert.Equal(["2024-I-1", "2024-I-10", "2024-I-11", "2024-I-12", "2024-I-2"], set.Problems.Select(p => p.Id));
        Assert.StartsWith("Every morning Aya", set.Problems[0].Question);
    }

    [Fact]
    public void Aime25_NormalisedFile()
    {
        var set = Load(Benchmark.Aime25);
        Assert.Equal(["2025-I-1", "2025-I-2", "2025-I-3", "2025-I-4", "2025-I-5"], set.Problems.Select(p => p.Id));
        Assert.Equal(["70", "588", "16", "117", "279"], set.Problems.Select(p => p.Answer));
    }

    [Theory]
    [InlineData("025", "25")]
    [InlineData("000", "0")]
    [InlineData("204", "204")]
    [InlineData(" 7 ", "7")]
    [InlineData("\\frac{1}{2}", "\\frac{1}{2}")]
    public void UnpadInteger_Table(string input, string expected) => Assert.Equal(expected, BenchmarkLoader.UnpadInteger(input));

    [Fact]
    public void Jsonl_FieldMapping_MissingIdBecomesStemAndLine()
    {
        var set = Load(Benchmark.Jsonl, Fixtures.Path("benchmarks", "custom.jsonl"),
            new JsonlFieldMapping { QuestionField = "prompt", AnswerField = "target", IdField = "uid" });
        Assert.Equal("custom", set.Name);
        Assert.Equal(["c-1", "c-2", "custom-4"], set.Problems.Select(p => p.Id));
        Assert.Equal(["5", "42", "6"], set.Problems.Select(p => p.Answer));
        Assert.Equal("What is 7 * 6?", set.Problems[1].Question);
    }

    [Fact]
    public void Jsonl_WrongFieldName_ErrorNamesFileLineAndField()
    {
        var e = Assert.Throws<BardException>(() => Load(Benchmark.Jsonl, Fixtures.Path("benchmarks", "custom.jsonl")));
        Assert.Contains("custom.jsonl:1", e.Message);
        Assert.Contains("'question'", e.Message);
    }

    [Fact]
    public void Jsonl_WithoutFile_AsksForFile()
    {
        var e = Assert.Throws<BardException>(() => Load(Benchmark.Jsonl));
        Assert.Contains("--file", e.Message);
    }

    [Fact]
    public void Gpqa_NotInDataFolder_SaysWhereToGetIt()
    {
        var e = Assert.Throws<BardException>(() => Load(Benchmark.Gpqa));
        Assert.Contains("gpqa_diamond.csv", e.Message);
        Assert.Contains("--file", e.Message);
    }

    [Fact]
    public void Limit_KeepsFirstProblems() =>
        Assert.Equal(["18", "3"], Load(Benchmark.Gsm8k, limit: 2).Problems.Select(p => p.Answer));

    [Theory]
    [InlineData("gsm8k", Benchmark.Gsm8k)]
    [InlineData("MATH500", Benchmark.Math500)]
    [InlineData("aime25", Benchmark.Aime25)]
    [InlineData("gpqa", Benchmark.Gpqa)]
    public void Parse_Names(string name, Benchmark expected)
    {
        Assert.Equal(expected, Benchmarks.Parse(name));
        Assert.Equal(name.ToLowerInvariant(), Benchmarks.Name(expected));
    }

    [Fact]
    public void Parse_Unknown_ListsValidNames()
    {
        var e = Assert.Throws<BardException>(() => Benchmarks.Parse("gsm9k"));
        Assert.Contains("gsm8k, math500, aime24, aime25, gpqa, jsonl", e.Message);
    }

    [Fact]
    public void AnswerKind_GpqaIsChoiceOthersMath()
    {
        Assert.Equal(AnswerKind.Choice, Benchmarks.AnswerKind(Benchmark.Gpqa));
        Assert.All(Benchmarks.All.Where(b => b != Benchmark.Gpqa), b => Assert.Equal(AnswerKind.Math, Benchmarks.AnswerKind(b)));
    }
}
