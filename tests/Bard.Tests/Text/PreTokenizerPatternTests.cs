using System.Text.Json.Nodes;
using Bard.Text;

namespace Bard.Tests.Text;

/// <summary>
/// The Llama-3 and GPT-2 split patterns, checked on the Qwen3 vocabulary with the pre-tokenizer swapped.
/// Expected ids are Hugging Face tokenizers' own (npm tokenizers 0.23.2) for the same modified tokenizer.json.
/// </summary>
public class PreTokenizerPatternTests
{
    const string Llama3Regex = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    static readonly string[] Texts = ["Year 2025: 1234567 items, I'LL see  you\n\n  there. 𝟎𝟏𝟐𝟑", "café xe\u0301"];

    static HfTokenizer Variant(Action<JsonObject> change)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(Qwen3Fixture.Dir, "tokenizer.json")))!.AsObject();
        change(root);
        return HfTokenizer.FromJson(root.ToJsonString(), "variant tokenizer.json");
    }

    [Fact]
    public void Llama3Pattern_NoNormalizer_IgnoreMerges_MatchesTokenizers()
    {
        var tok = Variant(root =>
        {
            root["pre_tokenizer"]!["pretokenizers"]![0]!["pattern"]!["Regex"] = Llama3Regex;
            root["normalizer"] = null;
            root["model"]!["ignore_merges"] = true;
        });
        Assert.Equal([9490, 220, 17, 15, 17, 20, 25, 220, 16, 17, 18, 19, 20, 21, 22, 3589, 11, 358, 6, 4086, 1490, 220, 498, 271, 220, 1052, 13, 220,
            56252, 253, 236, 56252, 253, 237, 56252, 253, 238, 56252, 253, 239], tok.Encode(Texts[0]));
        Assert.Equal([924, 58858, 82790, 53839], tok.Encode(Texts[1])); // no NFC: the combining accent stays a token of its own
        Assert.Equal(Texts[0], tok.Decode(tok.Encode(Texts[0])));
    }

    [Fact]
    public void Gpt2ByteLevelRegex_MatchesTokenizers()
    {
        var tok = Variant(root =>
        {
            root["pre_tokenizer"] = JsonNode.Parse("""{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true}""");
            root["normalizer"] = null;
        });
        Assert.Equal([9490, 220, 17, 15, 17, 20, 25, 220, 16, 17, 18, 19, 20, 21, 22, 3589, 11, 358, 6, 4086, 1490, 220, 498, 271, 220, 1052, 13,
            81250, 253, 236, 56252, 253, 237, 56252, 253, 238, 56252, 253, 239], tok.Encode(Texts[0]));
        Assert.Equal([924, 58858, 82790, 53839], tok.Encode(Texts[1]));
    }

    [Fact]
    public void LongRuns_EncodeQuicklyAndRoundTrip()
    {
        var tok = Qwen3Fixture.Tokenizer;
        string text = new string(' ', 5000) + "x" + new string('a', 20000) + new string('\n', 3000);
        // A guard against quadratic merging of long runs (minutes at this size), not a speed assertion: a bound no
        // machine's speed comes near.
        var encoding = Task.Run(() => tok.Encode(text));
        Assert.True(encoding.Wait(TimeSpan.FromSeconds(60)), "encoding 28,001 characters took more than 60 s");
        Assert.Equal(text, tok.Decode(encoding.Result));
    }
}
