using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Bard.Text;

/// <summary>
/// Builds the character-level tokenizer of a student trained from scratch and writes it as an ordinary
/// Hugging Face checkpoint tokenizer: <c>tokenizer.json</c> plus <c>tokenizer_config.json</c>.
/// <para>
/// The JSON shape, and why Hugging Face <c>tokenizers</c> loads it as the same tokenizer: model <c>BPE</c> with
/// the vocabulary (special tokens, added tokens, then one entry per character) and <c>"merges": []</c>, so BPE
/// splits a text into its characters (Unicode scalar values) and merges nothing; <c>unk_token</c> maps a
/// character outside the alphabet to &lt;unk&gt; (without it tokenizers would drop it silently);
/// <c>byte_fallback: false</c>; normalizer, pre-tokenizer and post-processor null (no NFC: text is kept exactly;
/// no BOS/EOS added); decoder <c>Fuse</c>, which concatenates the tokens (with no decoder tokenizers would join
/// them with spaces); every special and added token listed in <c>added_tokens</c> (normalized false, so
/// "&lt;think&gt;" in a text is one token). A WordLevel model would need a per-character Split pre-tokenizer
/// regex, whose handling of newlines differs between regex engines; BPE without merges needs none.
/// <c>tokenizer_config.json</c> names <c>PreTrainedTokenizerFast</c>, the special tokens, <c>added_tokens_decoder</c>
/// and the chat template, so transformers' <c>AutoTokenizer</c> loads the folder as it is.
/// </para>
/// </summary>
public static class CharTokenizerBuilder
{
    static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The tokenizer in memory (the same one <see cref="Save"/> writes and <see cref="HfTokenizer.Load"/> reads back).</summary>
    public static HfTokenizer Build(CharTokenizerOptions options) =>
        HfTokenizer.FromJson(TokenizerJson(options), "char tokenizer", TokenizerConfig.Parse(TokenizerConfigJson(options)));

    /// <summary>Writes <c>tokenizer.json</c> and <c>tokenizer_config.json</c> into <paramref name="directory"/> and loads them back.</summary>
    public static HfTokenizer Save(CharTokenizerOptions options, string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "tokenizer.json"), TokenizerJson(options));
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), TokenizerConfigJson(options));
        return HfTokenizer.Load(directory);
    }

    /// <summary>The token strings in id order: special tokens, added tokens, then the alphabet's distinct characters.</summary>
    public static IReadOnlyList<string> Vocabulary(CharTokenizerOptions options)
    {
        options.Validate();
        var tokens = new List<string>(options.SpecialTokens);
        tokens.AddRange(options.AddedTokens);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rune in options.Alphabet.EnumerateRunes())
        {
            string s = rune.ToString();
            if (seen.Add(s)) tokens.Add(s);
        }
        return tokens;
    }

    /// <summary>The text of <c>tokenizer.json</c>.</summary>
    public static string TokenizerJson(CharTokenizerOptions options)
    {
        var vocab = Vocabulary(options);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("version", "1.0");
            w.WriteNull("truncation");
            w.WriteNull("padding");
            w.WriteStartArray("added_tokens");
            for (int id = 0; id < options.SpecialTokens.Count + options.AddedTokens.Count; id++)
            {
                w.WriteStartObject();
                w.WriteNumber("id", id);
                w.WriteString("content", vocab[id]);
                w.WriteBoolean("single_word", false);
                w.WriteBoolean("lstrip", false);
                w.WriteBoolean("rstrip", false);
                w.WriteBoolean("normalized", false);
                w.WriteBoolean("special", id < options.SpecialTokens.Count);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNull("normalizer");
            w.WriteNull("pre_tokenizer");
            w.WriteNull("post_processor");
            w.WriteStartObject("decoder");
            w.WriteString("type", "Fuse");
            w.WriteEndObject();
            w.WriteStartObject("model");
            w.WriteString("type", "BPE");
            w.WriteNull("dropout");
            w.WriteString("unk_token", options.UnkToken);
            w.WriteNull("continuing_subword_prefix");
            w.WriteNull("end_of_word_suffix");
            w.WriteBoolean("fuse_unk", false);
            w.WriteBoolean("byte_fallback", false);
            w.WriteBoolean("ignore_merges", false);
            w.WriteStartObject("vocab");
            for (int id = 0; id < vocab.Count; id++) w.WriteNumber(vocab[id], id);
            w.WriteEndObject();
            w.WriteStartArray("merges");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The text of <c>tokenizer_config.json</c>.</summary>
    public static string TokenizerConfigJson(CharTokenizerOptions options)
    {
        options.Validate();
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("tokenizer_class", "PreTrainedTokenizerFast");
            w.WriteNull("bos_token");
            w.WriteString("eos_token", options.EosToken);
            w.WriteString("pad_token", options.PadToken);
            w.WriteString("unk_token", options.UnkToken);
            w.WriteBoolean("clean_up_tokenization_spaces", false);
            w.WriteNumber("model_max_length", options.ModelMaxLength);
            w.WriteStartArray("additional_special_tokens");
            foreach (var t in options.SpecialTokens.Where(t => t != options.EosToken && t != options.PadToken && t != options.UnkToken)) w.WriteStringValue(t);
            w.WriteEndArray();
            w.WriteStartObject("added_tokens_decoder");
            var tokens = options.SpecialTokens.Concat(options.AddedTokens).ToList();
            for (int id = 0; id < tokens.Count; id++)
            {
                w.WriteStartObject(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                w.WriteString("content", tokens[id]);
                w.WriteBoolean("lstrip", false);
                w.WriteBoolean("normalized", false);
                w.WriteBoolean("rstrip", false);
                w.WriteBoolean("single_word", false);
                w.WriteBoolean("special", id < options.SpecialTokens.Count);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            if (options.ChatTemplate is not null) w.WriteString("chat_template", options.ChatTemplate);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
