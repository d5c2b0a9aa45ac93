using System.Text;
using Bard.Text;

namespace Bard.Tests.Text;

public class HfTokenizerTests
{
    static HfTokenizer Qwen3 => Qwen3Fixture.Tokenizer;

    [Fact]
    public void Encode_GoldenJsonCases_MatchTransformersIdsAndDecodings()
    {
        foreach (var c in Qwen3Fixture.Golden.GetProperty("encodings").EnumerateArray())
        {
            string text = c.GetProperty("text").GetString()!;
            int[] expected = Qwen3Fixture.Ints(c.GetProperty("ids"));
            int[] actual = Qwen3.Encode(text);
            Assert.True(expected.SequenceEqual(actual), $"text {Show(text)}: expected [{string.Join(",", expected)}] got [{string.Join(",", actual)}]");
            Assert.Equal(c.GetProperty("decoded").GetString(), Qwen3.Decode(actual));
            Assert.Equal(expected.Length, Qwen3.CountTokens(text));
        }
    }

    [Fact]
    public void Encode_GoldenEncodingsJsonl_MatchTokenizersIdsTokensAndDecodings()
    {
        int n = 0;
        foreach (var c in Qwen3Fixture.GoldenEncodings())
        {
            string id = c.GetProperty("id").GetString()!;
            string text = c.GetProperty("text").GetString()!;
            int[] expected = Qwen3Fixture.Ints(c.GetProperty("ids"));
            int[] actual = Qwen3.Encode(text);
            Assert.True(expected.SequenceEqual(actual), $"{id}: expected [{string.Join(",", expected)}] got [{string.Join(",", actual)}]");
            var tokens = c.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()).ToArray();
            Assert.Equal(tokens, actual.Select(Qwen3.IdToToken).ToArray());
            string decoded = c.TryGetProperty("decoded", out var d) ? d.GetString()! : text;
            Assert.Equal(decoded, Qwen3.Decode(actual));
            n++;
        }
        Assert.Equal(31, n);
    }

    [Fact]
    public void Special_GoldenIdsAndVocabSize()
    {
        var s = Qwen3Fixture.Golden.GetProperty("special");
        Assert.Equal(s.GetProperty("eos_id").GetInt32(), Qwen3.TokenToId(s.GetProperty("eos_token").GetString()!));
        Assert.Equal(s.GetProperty("pad_id").GetInt32(), Qwen3.TokenToId(s.GetProperty("pad_token").GetString()!));
        Assert.Equal(s.GetProperty("vocab_size_with_added").GetInt32(), Qwen3.VocabSize);
        Assert.Equal(151667, Qwen3.TokenToId("<think>"));
        Assert.Equal(151668, Qwen3.TokenToId("</think>"));
        Assert.Null(Qwen3.TokenToId("<not a token>"));
        Assert.Equal("<|im_end|>", Qwen3.Config!.EosToken);
    }

    [Fact]
    public void Decode_SkipSpecialTokens_DropsImTokensKeepsThinkTags()
    {
        int[] ids = Qwen3.Encode("<|im_start|>assistant\n<think>\nhm\n</think>\n\n42<|im_end|><|endoftext|>");
        Assert.Equal("assistant\n<think>\nhm\n</think>\n\n42", Qwen3.Decode(ids, skipSpecialTokens: true));
        Assert.Equal("<|im_start|>assistant\n<think>\nhm\n</think>\n\n42<|im_end|><|endoftext|>", Qwen3.Decode(ids));
    }

    [Fact]
    public void Decode_CutMultiByteCharacter_GivesReplacementCharacter()
    {
        int[] ids = Qwen3.Encode("😀");
        Assert.True(ids.Length >= 1);
        // The emoji is one token; its byte-level pieces are checked through a token made of its first byte only.
        int firstByte = Qwen3.TokenToId(ByteLevel.ByteToChar(0xF0).ToString())!.Value;
        Assert.Equal("\uFFFD", Qwen3.Decode([firstByte]));
    }

    [Fact]
    public void EncodeBatch_EqualsEncodeOfEach()
    {
        var texts = Enumerable.Range(0, 40).Select(i => $"Question {i}: what is {i} * {i + 1}? <think>ok</think>").ToArray();
        var batch = Qwen3.EncodeBatch(texts);
        for (int i = 0; i < texts.Length; i++) Assert.Equal(Qwen3.Encode(texts[i]), batch[i]);
    }

    [Fact]
    public void Encode_AstralLettersAndDigits_AreClassedByCodePoint()
    {
        // 𝑥 (U+1D465) is a letter and 𝟎 (U+1D7CE) a digit: each joins or splits as a letter/digit would.
        int[] a = Qwen3.Encode("a𝑥b 𝟎𝟏");
        Assert.Equal("a𝑥b 𝟎𝟏", Qwen3.Decode(a));
        // A digit is always its own pre-token in Qwen3, so "𝟎𝟏" cannot share a token across the two digits.
        var pieces = a.Select(id => Qwen3.Decode([id])).ToArray();
        Assert.DoesNotContain(pieces, p => p.Contains("𝟎𝟏"));
    }

    [Fact]
    public void RoundTrip_RandomUnicode_DecodeOfEncodeIsIdentity()
    {
        var rng = new Random(12345);
        string[] atoms =
        [
            "a", "Z", "é", "e\u0301", " ", "  ", "\t", "\r\n", "\n", "\r", "0", "42", "'s", "'LL", "😀", "👍🏽", "𝑥", "𝟎", "中", "文",
            "\u0301", "\u0308", "<think>", "</think>", "<think", "think>", "<|im_start|>", "<|im_end|>", "<|im_start |>", "<|endoftext|",
            "\u00A0", "\u2028", "\u3000", "ß", "ﬁ", "Ω", "\u200B", "\uFEFF", "$\\frac{1}{2}$", "∑", "→", "\0", "\u0007", "ſ",
        ];
        for (int trial = 0; trial < 500; trial++)
        {
            var sb = new StringBuilder();
            int n = rng.Next(0, 25);
            for (int i = 0; i < n; i++)
            {
                if (rng.Next(4) == 0) sb.Append(char.ConvertFromUtf32(RandomScalar(rng)));
                else sb.Append(atoms[rng.Next(atoms.Length)]);
            }
            // The NFC normalizer composes e + U+0301 to é, as Hugging Face does: compare against the NFC form.
            string s = sb.ToString().Normalize(NormalizationForm.FormC);
            string back = Qwen3.Decode(Qwen3.Encode(s));
            Assert.True(s == back, $"trial {trial}: {Show(s)} came back as {Show(back)}");
        }
    }

    static int RandomScalar(Random rng)
    {
        while (true)
        {
            int cp = rng.Next(3) switch { 0 => rng.Next(0x20, 0x800), 1 => rng.Next(0x800, 0x10000), _ => rng.Next(0x10000, 0x110000) };
            if (cp is < 0xD800 or > 0xDFFF) return cp;
        }
    }

    [Fact]
    public void Load_UnsupportedModelType_IsRefusedNamingIt()
    {
        string json = """{"model":{"type":"Unigram","vocab":[]},"normalizer":null,"pre_tokenizer":null,"decoder":null}""";
        var e = Assert.Throws<BardException>(() => HfTokenizer.FromJson(json, "x/tokenizer.json"));
        Assert.Contains("model.type = Unigram", e.Message);
        Assert.Contains("x/tokenizer.json", e.Message);
    }

    [Fact]
    public void Load_SplitRegexTheMatcherLacks_IsRefusedNamingIt()
    {
        string json = """
            {"model":{"type":"BPE","vocab":{"a":0},"merges":[]},"normalizer":null,
             "pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":"(?<=a)\\w+"},"behavior":"Isolated","invert":false},{"type":"ByteLevel","add_prefix_space":false,"use_regex":false}]},
             "decoder":{"type":"ByteLevel"}}
            """;
        var e = Assert.Throws<BardException>(() => HfTokenizer.FromJson(json));
        Assert.Contains("(?<=a)\\w+", e.Message);
        Assert.Contains("lookbehind", e.Message);
    }

    [Fact]
    public void Load_ReplaceNormalizerWithoutPattern_IsRefusedNamingTheField()
    {
        string json = """{"model":{"type":"BPE","vocab":{"a":0},"merges":[],"byte_fallback":false},"normalizer":{"type":"Replace"},"pre_tokenizer":null,"decoder":{"type":"Fuse"}}""";
        var e = Assert.Throws<BardException>(() => HfTokenizer.FromJson(json));
        Assert.Contains("normalizer.pattern is missing", e.Message);
    }

    [Theory]
    [InlineData("{\"a\":0,\"b\":-3}", "[]", "model.vocab token 'b' has id -3")]
    [InlineData("{\"a\":0,\"b\":2000000000}", "[]", "model.vocab token 'b' has id 2000000000")]
    [InlineData("{\"a\":0,\"b\":1.5}", "[]", "model.vocab token 'b' has id 1.5")]
    [InlineData("{\"a\":0}", "[{\"id\":10000001,\"content\":\"<x>\",\"special\":true}]", "added_tokens token '<x>' has id 10000001")]
    [InlineData("{\"a\":0}", "[{\"id\":-1,\"content\":\"<x>\",\"special\":true}]", "added_tokens token '<x>' has id -1")]
    public void Load_NegativeOrAbsurdTokenId_IsRefusedNamingTheToken(string vocab, string added, string expected)
    {
        // A negative id indexed the token table out of range; 2,000,000,000 allocated a table of that many entries.
        string json = $$$"""{"model":{"type":"BPE","vocab":{{{vocab}}},"merges":[]},"added_tokens":{{{added}}},"normalizer":null,"pre_tokenizer":null,"decoder":{"type":"Fuse"}}""";
        var e = Assert.Throws<BardException>(() => HfTokenizer.FromJson(json, "x/tokenizer.json"));
        Assert.StartsWith("x/tokenizer.json: " + expected, e.Message);
        Assert.Contains("from 0 to 10,000,000", e.Message);
    }

    static string Show(string s) => string.Concat(s.Select(c => c < 0x20 || c > 0x7E ? $"\\u{(int)c:X4}" : c.ToString()));
}

public class HfTokenizerEdgeTests
{
    [Theory]
    [InlineData("a\uFFFEe\u0301b")]   // .NET refuses to normalize text with U+FFFE
    [InlineData("x\uD800y")]          // a lone surrogate: encoded as U+FFFD, like its UTF-8 would be
    public void Encode_TextDotNetCannotNormalize_StillEncodes(string text)
    {
        var tok = Qwen3Fixture.Tokenizer;
        string back = tok.Decode(tok.Encode(text));
        Assert.Equal(text.Replace('\uD800', '\uFFFD').Replace("e\u0301", "é"), back);
    }

    [Fact]
    public void Decode_IdsOutsideTheVocabulary_AreSkippedAsTokenizersDoes()
    {
        var tok = Qwen3Fixture.Tokenizer;
        Assert.Equal("Hello", tok.Decode([9707, 151700, -1]));
    }
}
