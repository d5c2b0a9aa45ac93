using System.Text.Json;

namespace Bard.Text;

/// <summary>
/// Reads a Hugging Face <c>tokenizer.json</c> into the parts <see cref="HfTokenizer"/> runs, refusing every
/// component we do not implement exactly (the message names the component and its JSON path).
/// Byte-level BPE with no normalizer or NFC, a known split regex (<see cref="PreTokenizerPattern"/>) and the ByteLevel
/// decoder, and Bard's character-level BPE with the Fuse decoder, take the fast path (hand-written scanners). Everything
/// else that tokenizers can express with the components of <see cref="Normalizer"/>, <see cref="PreTokenizer"/>,
/// <see cref="Decoder"/> and a BPE model (byte_fallback, unk_token, fuse_unk, subword affixes, ignore_merges) takes the
/// general path. WordPiece, Unigram and WordLevel models, BPE dropout and added tokens that strip or match whole words are refused.
/// The post-processor is read for callers that ask for special tokens (<see cref="HfTokenizer.Encode(string, bool)"/>).
/// </summary>
internal static class TokenizerJsonReader
{
    /// <summary>The general path's components; null on the fast path.</summary>
    internal sealed record Pipeline(Normalizer? Normalizer, PreTokenizer? PreTokenizer, Decoder Decoder);

    internal sealed record Parts(BpeModel Model, string[] IdToToken, IReadOnlyList<AddedToken> AddedTokens,
        bool Nfc, PreTokenizerPattern? Pattern, Pipeline? General, PostProcessor? Post, string? PostError);

    public static Parts Read(string json, string source)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 }); }
        catch (JsonException e) { throw new BardException($"{source}: not valid JSON ({e.Message}).", e); }
        using (doc)
        {
            var root = doc.RootElement;
            var model = Required(root, "model", source);
            string type = model.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "BPE";
            if (type != "BPE")
                throw Unsupported(source, "model.type", type, "only BPE models are supported (byte-level BPE as in Qwen, Llama 3, DeepSeek, gpt-oss; SentencePiece-style BPE as in Llama 2 and Gemma; Bard's character-level BPE), not WordPiece, Unigram or WordLevel");
            if (Has(model, "dropout") && model.GetProperty("dropout").ValueKind != JsonValueKind.Null)
                throw Unsupported(source, "model.dropout", model.GetProperty("dropout").ToString(), "BPE dropout is a training-time augmentation; set it to null");
            bool byteFallback = model.TryGetProperty("byte_fallback", out var bf) && bf.ValueKind == JsonValueKind.True;
            bool fuseUnk = model.TryGetProperty("fuse_unk", out var fu) && fu.ValueKind == JsonValueKind.True;
            string? prefix = TokenizerJson.OptionalString(model, "continuing_subword_prefix");
            string? suffix = TokenizerJson.OptionalString(model, "end_of_word_suffix");
            bool plainModel = !byteFallback && string.IsNullOrEmpty(prefix) && string.IsNullOrEmpty(suffix);

            bool nfc = false, byteLevel = false;
            PreTokenizerPattern? pattern = null;
            Pipeline? general = null;
            if (!(plainModel && TryFastPath(root, out nfc, out byteLevel, out pattern)))
            {
                nfc = false;
                pattern = null;
                byteLevel = false;
                var normalizer = Normalizer.Read(Field(root, "normalizer"), "normalizer", source);
                var pre = PreTokenizer.Read(Field(root, "pre_tokenizer"), "pre_tokenizer", source, ref byteLevel);
                var decoder = Decoder.Read(Field(root, "decoder"), "decoder", source);
                general = new Pipeline(normalizer, pre, decoder);
            }
            PostProcessor? post = null;
            string? postError = null;
            try { post = PostProcessor.Read(Field(root, "post_processor"), "post_processor", source); }
            catch (BardException e) { postError = e.Message; } // only an error for a caller that asks for special tokens

            var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var p in Required(model, "vocab", source).EnumerateObject()) vocab[p.Name] = Id(p.Value, $"model.vocab token '{p.Name}'", source);
            var mergeList = new List<(string, string)>();
            if (model.TryGetProperty("merges", out var merges))
            {
                foreach (var m in merges.EnumerateArray())
                {
                    if (m.ValueKind == JsonValueKind.Array) mergeList.Add((m[0].GetString()!, m[1].GetString()!));
                    else
                    {
                        string s = m.GetString()!;
                        int sp = s.IndexOf(' ', 1);
                        if (sp < 0) throw new BardException($"{source}: model.merges entry '{s}' is not 'LEFT RIGHT'.");
                        mergeList.Add((s[..sp], s[(sp + 1)..]));
                    }
                }
            }
            bool ignoreMerges = model.TryGetProperty("ignore_merges", out var im) && im.ValueKind == JsonValueKind.True;
            string? unk = model.TryGetProperty("unk_token", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;

            var added = new List<AddedToken>();
            if (root.TryGetProperty("added_tokens", out var at) && at.ValueKind == JsonValueKind.Array)
            {
                foreach (var a in at.EnumerateArray())
                {
                    string content = a.GetProperty("content").GetString()!;
                    foreach (var flag in new[] { "single_word", "lstrip", "rstrip" })
                        if (a.TryGetProperty(flag, out var f) && f.ValueKind == JsonValueKind.True)
                            throw Unsupported(source, $"added_tokens['{content}'].{flag}", "true", "added tokens that strip or match whole words are not supported");
                    added.Add(new AddedToken(Id(a.TryGetProperty("id", out var aid) ? aid : default, $"added_tokens token '{content}'", source), content,
                        a.TryGetProperty("special", out var sp) && sp.ValueKind == JsonValueKind.True,
                        a.TryGetProperty("normalized", out var nz) && nz.ValueKind == JsonValueKind.True));
                }
            }

            int size = Math.Max(vocab.Count == 0 ? 0 : vocab.Values.Max() + 1, added.Count == 0 ? 0 : added.Max(a => a.Id) + 1);
            var idToToken = new string[size];
            foreach (var (tok, id) in vocab) idToToken[id] = tok;
            foreach (var a in added) idToToken[a.Id] = a.Content;
            var bpe = new BpeModel(vocab, mergeList, byteLevel, ignoreMerges, unk, source, byteFallback, fuseUnk, prefix, suffix);
            return new Parts(bpe, idToToken, added, nfc, pattern, general, post, postError);
        }
    }

    static JsonElement Field(JsonElement root, string name) => root.TryGetProperty(name, out var v) ? v : default;

    /// <summary>
    /// True when the tokenizer fits the fast path: no normalizer or NFC; no pre-tokenizer, ByteLevel, or an Isolated Split on a known
    /// regex followed by ByteLevel without its own regex; the ByteLevel decoder for byte-level, Fuse for character-level.
    /// </summary>
    static bool TryFastPath(JsonElement root, out bool nfc, out bool byteLevel, out PreTokenizerPattern? pattern)
    {
        nfc = byteLevel = false;
        pattern = null;
        var n = Field(root, "normalizer");
        if (n.ValueKind is JsonValueKind.Object)
        {
            string? type = TokenizerJson.OptionalString(n, "type");
            if (type == "NFC") nfc = true;
            else if (type == "Sequence" && n.TryGetProperty("normalizers", out var items) && items.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in items.EnumerateArray())
                    if (item.ValueKind != JsonValueKind.Object || TokenizerJson.OptionalString(item, "type") != "NFC") return false;
                nfc = items.GetArrayLength() > 0;
            }
            else return false;
        }
        else if (n.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)) return false;

        var p = Field(root, "pre_tokenizer");
        if (p.ValueKind == JsonValueKind.Object)
        {
            List<JsonElement> steps;
            if (TokenizerJson.OptionalString(p, "type") == "Sequence")
            {
                if (!p.TryGetProperty("pretokenizers", out var list) || list.ValueKind != JsonValueKind.Array) return false;
                steps = list.EnumerateArray().ToList();
            }
            else steps = [p];
            foreach (var s in steps)
            {
                if (s.ValueKind != JsonValueKind.Object) return false;
                string? type = TokenizerJson.OptionalString(s, "type");
                if (type == "Split" && !byteLevel && pattern is null)
                {
                    if (TokenizerJson.OptionalString(s, "behavior") != "Isolated" || TokenizerJson.Bool(s, "invert", false)) return false;
                    if (!s.TryGetProperty("pattern", out var pat) || pat.ValueKind != JsonValueKind.Object || TokenizerJson.OptionalString(pat, "Regex") is not { } regex) return false;
                    pattern = PreTokenizerScanner.Recognise(regex);
                    if (pattern is null) return false;
                }
                else if (type == "ByteLevel" && !byteLevel)
                {
                    if (TokenizerJson.Bool(s, "add_prefix_space", false)) return false;
                    if (TokenizerJson.Bool(s, "use_regex", true))
                    {
                        if (pattern is not null) return false;
                        pattern = PreTokenizerPattern.Gpt2;
                    }
                    byteLevel = true;
                }
                else return false;
            }
            if (pattern is not null && !byteLevel) return false;
        }
        else if (p.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)) return false;

        var d = Field(root, "decoder");
        string decoder = d.ValueKind == JsonValueKind.Object ? TokenizerJson.OptionalString(d, "type") ?? "" : "null";
        return byteLevel ? decoder == "ByteLevel" : decoder == "Fuse";
    }

    /// <summary>Largest token id accepted: the table of tokens is as long as the largest id, so an absurd id is an absurd allocation.</summary>
    public const int MaxTokenId = 10_000_000;

    /// <summary>A token id: an integer in 0..<see cref="MaxTokenId"/>, else an error naming the token.</summary>
    static int Id(JsonElement value, string what, string source) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int id) && id is >= 0 and <= MaxTokenId ? id
            : throw new BardException($"{source}: {what} has id {(value.ValueKind == JsonValueKind.Undefined ? "(missing)" : value.GetRawText())}; a token id must be "
                + $"an integer from 0 to {MaxTokenId:N0}. Fix: correct that entry (or download the tokenizer again).");

    static bool Has(JsonElement e, string name) => e.TryGetProperty(name, out _);

    static JsonElement Required(JsonElement e, string name, string source) =>
        e.TryGetProperty(name, out var v) ? v : throw new BardException($"{source}: the field '{name}' is missing; is this a Hugging Face tokenizer.json?");

    static BardException Unsupported(string source, string field, string value, string why) =>
        new($"{source}: unsupported tokenizer component {field} = {value}: {why}. Bard refuses it rather than tokenizing approximately.");
}
