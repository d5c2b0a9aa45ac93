using System.Text.Json.Nodes;
using Bard.Text;

namespace Bard.Tests.Text;

/// <summary>The general regex matcher of Split pre-tokenizers: Oniguruma semantics on code points, and the same pieces as the hand-written scanners.</summary>
public class OnigRegexTests
{
    static List<string> Pieces(string regex, string text)
    {
        var cps = OnigRegex.ToCodePoints(text);
        return OnigRegex.Compile(regex, "test").Matches(cps).Select(m => TokenizerJson.Text(cps, m.Start, m.End)).ToList();
    }

    static readonly string[] Texts =
    [
        "Hello, my dog is cute", "I'm sure they'll say it's 'fine' -- WE'VE seen THAT'S ok", "  lead\t\ttabs \n\n  x  \r\n", "1234567 3.14 -42",
        "𝑥 + 𝑦 = 𝟎; 𠀀 😀 café xe\u0301", "def f(x):\n    return x**2  # sq\n", "a\u00a0b\u3000c\u2028d", "ſ's K'LL", "",
    ];

    [Theory]
    [InlineData(PreTokenizerScanner.Qwen2Regex, PreTokenizerPattern.Qwen2)]
    [InlineData(PreTokenizerScanner.Llama3Regex, PreTokenizerPattern.Llama3)]
    [InlineData(PreTokenizerScanner.Gpt2Regex, PreTokenizerPattern.Gpt2)]
    public void KnownPatterns_GiveTheScannersPieces(string regex, PreTokenizerPattern pattern)
    {
        foreach (var text in Texts)
        {
            var spans = new List<(int Start, int Length)>();
            PreTokenizerScanner.Split(text, 0, text.Length, pattern, spans);
            Assert.Equal(spans.Select(s => text.Substring(s.Start, s.Length)).ToList(), Pieces(regex, text));
        }
    }

    [Fact]
    public void Alternation_IsLeftmostFirst_NotLongest()
    {
        Assert.Equal(["a", "a", "b"], Pieces("a|ab|b", "aab"));
        Assert.Equal(["ab"], Pieces("ab|a", "ab"));
    }

    [Fact]
    public void Quantifiers_GreedyLazyPossessiveAndCounted()
    {
        Assert.Equal(["123", "456", "7"], Pieces(@"\p{N}{1,3}", "1234567"));
        Assert.Equal(["a"], Pieces("a+?", "a").Take(1).ToList());
        Assert.Equal(["aaa"], Pieces("a{2,}", "aaa"));
        Assert.Equal(["aa", "a"], Pieces("a{,2}", "aaa"));
        Assert.Empty(Pieces("a++a", "aaa")); // possessive: gives nothing back
        Assert.Equal(["aaa"], Pieces("a+a", "aaa"));
        Assert.Equal(["{x}"], Pieces("{x}", "{x}")); // a brace that is no repeat is a literal
    }

    [Fact]
    public void Lookahead_CaseInsensitiveGroups_AndClasses()
    {
        Assert.Equal(["  ", " x"], Pieces(@"\s+(?!\S)| ?\S+", "   x"));
        Assert.Equal(["'S", "'ll"], Pieces("(?i:'s|'ll)", "'S'll"));
        Assert.Equal(["'s"], Pieces("(?i:'S)", "'s"));
        Assert.Equal(["ab"], Pieces("(?i)AB", "ab"));
        Assert.Equal(["-ab", " ", "c"], Pieces(@"[!\-./][A-Za-z]+|[^\-]", "-ab c"));
        Assert.Equal(["今天", "カタ"], Pieces("[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+", "今天 is カタ"));
        Assert.Equal(["𝑥", "𝑦"], Pieces(@"\p{L}", "𝑥+𝑦")); // astral letters are one code point, as in Oniguruma
        Assert.Equal(["HTTP", "Server"], Pieces(@"[\p{Lu}]+(?=[\p{Lu}][\p{Ll}])|[\p{Lu}][\p{Ll}]+", "HTTPServer"));
        Assert.Equal(["a", "b"], Pieces(@"[^\s\p{P}]", "a, b"));
        Assert.Equal(["x"], Pieces(@"\x{78}|\u0079\z", "x"));
    }

    [Theory]
    [InlineData(@"(?<=a)b", "lookbehind")]
    [InlineData(@"(a)\1", "back-reference")]
    [InlineData(@"\p{Greek}", "Greek")]
    [InlineData(@"[[:alpha:]]", "POSIX")]
    [InlineData(@"(a", "unterminated")]
    public void Unsupported_IsRefusedWithThePattern(string regex, string what)
    {
        var e = Assert.Throws<BardException>(() => OnigRegex.Compile(regex, "tokenizer.json: pre_tokenizer.pattern"));
        Assert.Contains(regex, e.Message);
        Assert.Contains(what, e.Message);
    }

    [Fact]
    public void GroupRepeatedBeyondTheStack_IsAClearError_SingleClassRunsAreNot()
    {
        string text = string.Concat(Enumerable.Repeat("ab", 1_000_000));
        Assert.Single(Pieces(@"[ab]+", text)); // a class repeated: a loop, no recursion
        var e = Assert.Throws<BardException>(() => Pieces(@"(?:ab)+", text));
        Assert.Contains("(?:ab)+", e.Message);
    }

    static HfTokenizer WithPreTokenizer(string preTokenizerJson)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(Qwen3Fixture.Dir, "tokenizer.json")))!.AsObject();
        root["normalizer"] = null;
        root["pre_tokenizer"] = JsonNode.Parse($$"""{"type": "Sequence", "pretokenizers": [{{preTokenizerJson}}, {"type": "ByteLevel", "add_prefix_space": false, "use_regex": false}]}""");
        return HfTokenizer.FromJson(root.ToJsonString(), "variant tokenizer.json");
    }

    static List<string> Tokens(HfTokenizer tok, string text) => tok.Encode(text).Select(id => tok.IdToToken(id)!).ToList();

    static List<string> Split(string behaviour, string regex, bool invert, string text)
    {
        var pieces = new List<Piece> { new(text, true) };
        new PreTokenizer.Split(OnigRegex.Compile(regex, "test"), Enum.Parse<SplitBehavior>(behaviour), invert).Apply(pieces);
        return pieces.Select(p => p.Text).ToList();
    }

    // tokenizers' documentation of SplitDelimiterBehavior, on "the-final--countdown" split at '-'.
    [Theory]
    [InlineData("Removed", "the|final|countdown")]
    [InlineData("Isolated", "the|-|final|-|-|countdown")]
    [InlineData("MergedWithPrevious", "the-|final-|-|countdown")]
    [InlineData("MergedWithNext", "the|-final|-|-countdown")]
    [InlineData("Contiguous", "the|-|final|--|countdown")]
    public void SplitBehaviours_AreTokenizers(string behaviour, string expected) =>
        Assert.Equal(expected.Split('|'), Split(behaviour, "-", false, "the-final--countdown"));

    [Fact]
    public void Invert_KeepsTheMatches_AndEmptyPiecesAreDropped()
    {
        Assert.Equal(["ab", "cd"], Split("Removed", @"\w+", true, "ab, cd"));
        // Oniguruma's empty match at the space (not right after "ab") splits ", " in two, as in tokenizers.
        Assert.Equal(["ab", ",", " ", "cd"], Split("Isolated", @"\w*", false, "ab, cd"));
    }

    [Fact]
    public void SplitInTokenizerJson_ChangesTheIds()
    {
        var isolated = WithPreTokenizer("""{"type": "Split", "pattern": {"String": "-"}, "behavior": "Isolated", "invert": false}""");
        var removed = WithPreTokenizer("""{"type": "Split", "pattern": {"String": "-"}, "behavior": "Removed", "invert": false}""");
        Assert.Equal(Tokens(isolated, "ab-cd").Where(t => t != "-"), Tokens(removed, "ab-cd"));
        Assert.Contains("-", Tokens(isolated, "ab-cd"));
    }

    [Fact]
    public void UnknownComponents_AreStillRefusedByName()
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(Qwen3Fixture.Dir, "tokenizer.json")))!.AsObject();
        root["model"]!["type"] = "WordPiece";
        Assert.Contains("WordPiece", Assert.Throws<BardException>(() => HfTokenizer.FromJson(root.ToJsonString(), "x.json")).Message);
        root = JsonNode.Parse(File.ReadAllText(Path.Combine(Qwen3Fixture.Dir, "tokenizer.json")))!.AsObject();
        root["normalizer"] = JsonNode.Parse("""{"type": "Precompiled", "precompiled_charsmap": "AAAA"}""");
        var e = Assert.Throws<BardException>(() => HfTokenizer.FromJson(root.ToJsonString(), "x.json"));
        Assert.Contains("normalizer.type = Precompiled", e.Message);
        root["normalizer"] = null;
        root["pre_tokenizer"] = JsonNode.Parse("""{"type": "UnicodeScripts"}""");
        Assert.Contains("pre_tokenizer.type = UnicodeScripts", Assert.Throws<BardException>(() => HfTokenizer.FromJson(root.ToJsonString(), "x.json")).Message);
    }
}
