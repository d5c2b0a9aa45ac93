using Bard.Text;
using System.Text.RegularExpressions;
using Bard.Data;
using Bard.Data.Tasks;

namespace Bard.Tests.Data.Tasks;

public class EmbeddedTaskTests
{
    static readonly EmbeddedTask Task = new(new EmbeddedTaskOptions());

    [Fact]
    public void Generate_SameSeedAndIndex_GivesSameProblem_OtherSeedsDiffer()
    {
        Assert.Equal(Task.Generate(5, 17), Task.Generate(5, 17));
        var a = Enumerable.Range(0, 50).Select(i => Task.Generate(1, i).Question).ToArray();
        var b = Enumerable.Range(0, 50).Select(i => Task.Generate(2, i).Question).ToArray();
        Assert.True(a.Zip(b).Count(t => t.First == t.Second) < 5, "seeds 1 and 2 drew mostly the same questions");
    }

    [Fact]
    public void Generate_Defaults_CoverEveryDifficultyWithinBounds()
    {
        var ks = Enumerable.Range(0, 500).Select(i => Task.Parse(Task.Generate(0, i)).Difficulty).ToArray();
        Assert.Equal(Enumerable.Range(2, 7), ks.Distinct().Order());
    }

    [Theory]
    [InlineData("7", true)]
    [InlineData(" 7 ", true)]
    [InlineData("07", true)]
    [InlineData("17", false)]
    [InlineData("seven", false)]
    [InlineData("", false)]
    public void Verify_Answer_ComparesWithComputedValue(string answer, bool correct) =>
        Assert.Equal(correct, Task.Verify(new Problem("p", "3 +4 *2 -7 (mod 10)", "7"), answer));

    [Fact]
    public void Teach_Problem_WritesCorrectTraceThatRestatesItsProblem()
    {
        var p = Task.Generate(3, 9);
        var t = Task.Teach(p);
        Assert.Equal(p.Answer, t.Answer);
        Assert.True(t.Correct);
        Assert.Equal(EmbeddedTask.TeacherName, t.Teacher);
        Assert.Equal(p with { }, Task.RecoverProblem(t));
    }

    [Fact]
    public void Alphabet_CoversEveryCharacterOfQuestionsTracesAndEveryRendering()
    {
        foreach (var options in new[] { new EmbeddedTaskOptions(), new EmbeddedTaskOptions { Modulus = 100, MaxOperations = 4 } })
        {
            var task = new EmbeddedTask(options);
            var compressor = new EmbeddedCompressor(options, task.CreateTokenizer());
            for (int i = 0; i < 100; i++)
            {
                var p = task.Generate(11, i);
                var texts = new[] { p.Question, p.Answer, task.Teach(p).Thinking }.Concat(compressor.Candidates(task.Parse(p)).Select(c => c.Thinking));
                foreach (var text in texts)
                    foreach (char c in text)
                        Assert.True(task.Alphabet.Contains(c), $"'{c}' in \"{text}\" is not in the alphabet");
            }
        }
    }

    [Fact]
    public void CreateTokenizer_OneTokenPerCharacter_SingleTokenDelimiters()
    {
        var tok = Task.CreateTokenizer();
        Assert.All(Task.Alphabet, c => Assert.Equal(1, tok.CountTokens(c.ToString())));
        Assert.Equal(6, tok.CountTokens("7 4 7."));
        Assert.Equal("3+4=7", tok.Decode(tok.Encode("3+4=7")));
        Assert.Equal(27, tok.CountTokens("Thinking budget: 16 tokens.")); // the budget line encodes too
        Assert.Equal(3, tok.CountTokens("<think>\n</think>"));
        Assert.Equal(3, tok.Encode("<|im_start|>a<|im_end|>").Length);
        Assert.InRange(tok.VocabSize, 96, 110);
    }

    [Fact]
    public void SaveTokenizer_LoadsBackAsHuggingFaceTokenizer()
    {
        using var tmp = new TempDir();
        Task.SaveTokenizer(tmp.Path);
        var loaded = HfTokenizer.Load(tmp.Path);
        var original = Task.CreateTokenizer();
        const string text = "<|im_start|>user\n3 +4 (mod 10)<|im_end|>";
        Assert.Equal(original.Encode(text), loaded.Encode(text));
        Assert.NotNull(TokenizerConfig.Load(tmp.Path).ChatTemplate);
    }

    [Fact]
    public void Compress_WrongTeacherAnswer_IsRefused()
    {
        var p = new Problem("p", "3 +4 *2 -7 (mod 10)", "7");
        var bad = new TeacherTrace("p", "x", "8", "t", false);
        var e = Assert.Throws<BardException>(() => Task.Compress(p, bad, [8], Task.CreateTokenizer()));
        Assert.Contains("correct answer is 7", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public void Options_Invalid_AreRefusedByName(int modulus)
    {
        var e = Assert.Throws<BardException>(() => new EmbeddedTask(new EmbeddedTaskOptions { Modulus = modulus }));
        Assert.Contains("Modulus", e.Message);
    }
}
