using System.Text.Json;

namespace Bard.Text;

/// <summary>
/// Reads a Hugging Face <c>tokenizer.json</c> into the parts <see cref="HfTokenizer"/> runs, refusing every
/// component we do not implement exactly (the message names the component and its JSON path).
/// Supported: model BPE (byte-level or character-level, no dropout, no byte_fallback, no subword affixes);
/// normalizer null, NFC or a Sequence of NFC; pre-tokenizer null, ByteLevel, or a Sequence of a Split with a
/// known regex (<see cref="PreTokenizerPattern"/>) and ByteLevel; decoder ByteLevel or Fuse. The post-processor
/// is ignored on purpose: <see cref="ITokenizer.Encode"/> adds no BOS/EOS.
/// </summary>
internal static class TokenizerJsonReader
{
    internal sealed record Parts(BpeModel Model, string[] IdToToken, IReadOnlyList<AddedToken> AddedTokens,
        bool Nfc, PreTokenizerPattern? Pattern);

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
                throw Unsupported(source, "model.type", type, "only BPE models are supported (Qwen2/Qwen3/Llama-3 byte-level BPE, or Bard's character-level BPE)");
            if (Has(model, "dropout") && model.GetProperty("dropout").ValueKind != JsonValueKind.Null)
                throw Unsupported(source, "model.dropout", model.GetProperty("dropout").ToString(), "BPE dropout is a training-time augmentation; set it to null");
            if (Has(model, "byte_fallback") && model.GetProperty("byte_fallback").GetBoolean())
                throw Unsupported(source, "model.byte_fallback", "true", "byte-fallback BPE (SentencePiece style, e.g. Llama-2) is not supported");
            foreach (var affix in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
                if (Has(model, affix) && model.GetProperty(affix).ValueKind == JsonValueKind.String && model.GetProperty(affix).GetString() != "")
                    throw Unsupported(source, "model." + affix, model.GetProperty(affix).GetString()!, "subword affixes are not supported");

            bool nfc = ReadNormalizer(root, source);
            var (byteLevel, pattern) = ReadPreTokenizer(root, source);
            ReadDecoder(root, source, byteLevel);

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
            var bpe = new BpeModel(vocab, mergeList, byteLevel, ignoreMerges, unk, source);
            return new Parts(bpe, idToToken, added, nfc, pattern);
        }
    }

    static bool ReadNormalizer(JsonElement root, string source)
    {
        if (!root.TryGetProperty("normalizer", out var n) || n.ValueKind == JsonValueKind.Null) return false;
        string type = n.GetProperty("type").GetString()!;
        if (type == "NFC") return true;
        if (type == "Sequence")
        {
            var items = n.GetProperty("normalizers").EnumerateArray().ToList();
            foreach (var item in items)
                if (item.GetProperty("type").GetString() != "NFC")
                    throw Unsupported(source, "normalizer.normalizers[].type", item.GetProperty("type").GetString()!, "only the NFC normalizer is supported");
            return items.Count > 0;
        }
        throw Unsupported(source, "normalizer.type", type, "only no normalizer or NFC is supported");
    }

    static (bool ByteLevel, PreTokenizerPattern? Pattern) ReadPreTokenizer(JsonElement root, string source)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var p) || p.ValueKind == JsonValueKind.Null) return (false, null);
        var steps = p.GetProperty("type").GetString() == "Sequence" ? p.GetProperty("pretokenizers").EnumerateArray().ToList() : [p];
        bool byteLevel = false;
        PreTokenizerPattern? pattern = null;
        foreach (var s in steps)
        {
            string type = s.GetProperty("type").GetString()!;
            if (type == "Split" && !byteLevel && pattern is null)
            {
                string behaviour = s.TryGetProperty("behavior", out var b) ? b.GetString()! : "";
                bool invert = s.TryGetProperty("invert", out var inv) && inv.ValueKind == JsonValueKind.True;
                var pat = s.GetProperty("pattern");
                string? regex = pat.TryGetProperty("Regex", out var r) ? r.GetString() : null;
                if (behaviour != "Isolated" || invert || regex is null)
                    throw Unsupported(source, "pre_tokenizer Split", $"behavior={behaviour}, invert={invert}, pattern={pat}", "only an Isolated, non-inverted Split on a regex is supported");
                pattern = PreTokenizerScanner.Recognise(regex)
                    ?? throw Unsupported(source, "pre_tokenizer Split regex", regex, "only the Qwen2/Qwen3, Llama-3 and GPT-2 split regexes are supported");
            }
            else if (type == "ByteLevel" && !byteLevel)
            {
                if (s.TryGetProperty("add_prefix_space", out var aps) && aps.ValueKind == JsonValueKind.True)
                    throw Unsupported(source, "pre_tokenizer ByteLevel.add_prefix_space", "true", "only add_prefix_space=false is supported");
                bool useRegex = !s.TryGetProperty("use_regex", out var ur) || ur.ValueKind == JsonValueKind.True;
                if (useRegex)
                {
                    if (pattern is not null)
                        throw Unsupported(source, "pre_tokenizer ByteLevel.use_regex", "true after a Split", "a second regex split is not supported");
                    pattern = PreTokenizerPattern.Gpt2;
                }
                byteLevel = true;
            }
            else throw Unsupported(source, "pre_tokenizer.type", type, "supported: Split (known regex) followed by ByteLevel, or ByteLevel alone");
        }
        return (byteLevel, pattern);
    }

    static void ReadDecoder(JsonElement root, string source, bool byteLevel)
    {
        string type = root.TryGetProperty("decoder", out var d) && d.ValueKind != JsonValueKind.Null ? d.GetProperty("type").GetString()! : "null";
        if (byteLevel && type != "ByteLevel")
            throw Unsupported(source, "decoder.type", type, "a byte-level tokenizer needs the ByteLevel decoder");
        if (!byteLevel && type != "Fuse")
            throw Unsupported(source, "decoder.type", type, "a character-level tokenizer needs the Fuse decoder (without it Hugging Face joins tokens with spaces)");
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
