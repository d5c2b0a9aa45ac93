using System.Text;
using System.Text.Json;

namespace Bard.Text;

/// <summary>
/// A <c>tokenizer.json</c> decoder of the general path: token strings in, strings out (tokenizers' <c>decode_chain</c>); the
/// results are concatenated. Supported: <c>ByteLevel ByteFallback Fuse Strip Replace Metaspace BPEDecoder WordPiece Sequence</c>;
/// no decoder joins tokens with spaces, as tokenizers does.
/// </summary>
internal abstract class Decoder
{
    public abstract List<string> Apply(List<string> tokens);

    public static Decoder Read(JsonElement e, string path, string source)
    {
        if (e.ValueKind == JsonValueKind.Null) return new JoinWithSpaces();
        string type = TokenizerJson.Type(e, path, source);
        switch (type)
        {
            case "ByteLevel": return new ByteLevelDecoder();
            case "ByteFallback": return new ByteFallback();
            case "Fuse": return new Fuse();
            case "Strip":
            {
                string content = TokenizerJson.String(e, "content", path, source);
                if (content.Length != 1) throw TokenizerJson.Unsupported(source, path + ".content", content, "Strip's content must be one character");
                return new Strip(content[0], Int(e, "start"), Int(e, "stop"));
            }
            case "Replace":
                return new Replace(TokenizerJson.Pattern(e, path, source), TokenizerJson.String(e, "content", path, source));
            case "Metaspace":
                return new Metaspace(TokenizerJson.OptionalString(e, "replacement") ?? "\u2581", PreTokenizer.MetaspaceScheme(e, path, source));
            case "BPEDecoder":
                return new Suffix(TokenizerJson.OptionalString(e, "suffix") ?? "</w>");
            case "WordPiece":
                return new WordPiece(TokenizerJson.OptionalString(e, "prefix") ?? "##", TokenizerJson.Bool(e, "cleanup", true));
            case "Sequence":
                return new Sequence(TokenizerJson.Array(e, "decoders", path, source).Select((d, k) => Read(d, $"{path}.decoders[{k}]", source)).ToArray());
            default:
                throw TokenizerJson.Unsupported(source, path + ".type", type,
                    "supported decoders: ByteLevel, ByteFallback, Fuse, Strip, Replace, Metaspace, BPEDecoder, WordPiece, Sequence (not CTC)");
        }
    }

    static int Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;

    sealed class JoinWithSpaces : Decoder
    {
        public override List<string> Apply(List<string> tokens) => [string.Join(" ", tokens)];
    }

    sealed class ByteLevelDecoder : Decoder
    {
        public override List<string> Apply(List<string> tokens)
        {
            var bytes = new List<byte>();
            foreach (var t in tokens) bytes.AddRange(ByteLevel.DecodeToken(t));
            return [Encoding.UTF8.GetString(bytes.ToArray())];
        }
    }

    /// <summary>Runs of <c>&lt;0xXX&gt;</c> tokens become the text of their bytes, or one U+FFFD per byte when they are not valid UTF-8.</summary>
    sealed class ByteFallback : Decoder
    {
        static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);

        public override List<string> Apply(List<string> tokens)
        {
            var result = new List<string>(tokens.Count);
            var pending = new List<byte>();
            void Flush()
            {
                if (pending.Count == 0) return;
                try { result.Add(Strict.GetString(pending.ToArray())); }
                catch (DecoderFallbackException) { for (int k = 0; k < pending.Count; k++) result.Add("\uFFFD"); }
                pending.Clear();
            }
            foreach (var t in tokens)
            {
                if (t.Length == 6 && t.StartsWith("<0x", StringComparison.Ordinal) && t[5] == '>'
                    && byte.TryParse(t.AsSpan(3, 2), System.Globalization.NumberStyles.HexNumber, null, out byte b))
                {
                    pending.Add(b);
                    continue;
                }
                Flush();
                result.Add(t);
            }
            Flush();
            return result;
        }
    }

    sealed class Fuse : Decoder
    {
        public override List<string> Apply(List<string> tokens) => [string.Concat(tokens)];
    }

    /// <summary>Removes up to <c>start</c> leading and <c>stop</c> trailing copies of one character from every token.</summary>
    sealed class Strip(char content, int start, int stop) : Decoder
    {
        public override List<string> Apply(List<string> tokens) => tokens.Select(t =>
        {
            int a = 0, b = t.Length;
            while (a < start && a < b && t[a] == content) a++;
            int cut = 0;
            while (cut < stop && b > a && t[b - 1] == content) { b--; cut++; }
            return t[a..b];
        }).ToList();
    }

    sealed class Replace(OnigRegex pattern, string content) : Decoder
    {
        public override List<string> Apply(List<string> tokens) => tokens.Select(t => TokenizerJson.ReplaceAll(pattern, t, content)).ToList();
    }

    sealed class Metaspace(string replacement, string scheme) : Decoder
    {
        public override List<string> Apply(List<string> tokens) => tokens.Select((t, k) =>
        {
            string s = t.Replace(replacement, " ");
            return k == 0 && scheme != "never" && s.StartsWith(' ') ? s[1..] : s;
        }).ToList();
    }

    sealed class Suffix(string suffix) : Decoder
    {
        public override List<string> Apply(List<string> tokens) => tokens.Select((t, k) => t.Replace(suffix, k == tokens.Count - 1 ? "" : " ")).ToList();
    }

    sealed class WordPiece(string prefix, bool cleanup) : Decoder
    {
        public override List<string> Apply(List<string> tokens) => tokens.Select((t, k) =>
        {
            string s = k != 0 ? (t.StartsWith(prefix, StringComparison.Ordinal) ? t[prefix.Length..] : " " + t) : t;
            if (cleanup)
                s = s.Replace(" .", ".").Replace(" ?", "?").Replace(" !", "!").Replace(" ,", ",").Replace(" ' ", "'")
                    .Replace(" n't", "n't").Replace(" 'm", "'m").Replace(" do not", " don't").Replace(" 's", "'s").Replace(" 've", "'ve").Replace(" 're", "'re");
            return s;
        }).ToList();
    }

    sealed class Sequence(Decoder[] steps) : Decoder
    {
        public override List<string> Apply(List<string> tokens)
        {
            foreach (var s in steps) tokens = s.Apply(tokens);
            return tokens;
        }
    }
}

/// <summary>
/// The post-processor's special tokens, applied only when a caller asks for them (<c>add_special_tokens</c>): TemplateProcessing's
/// single-sequence template, BERT's and RoBERTa's [CLS] … [SEP], Sequence; ByteLevel adds nothing to ids.
/// </summary>
internal sealed class PostProcessor
{
    readonly int[] before, after;
    PostProcessor(int[] before, int[] after) { this.before = before; this.after = after; }

    public static readonly PostProcessor None = new([], []);

    public int[] Apply(int[] ids) => before.Length + after.Length == 0 ? ids : [.. before, .. ids, .. after];

    public static PostProcessor Read(JsonElement e, string path, string source)
    {
        if (e.ValueKind == JsonValueKind.Null) return None;
        string type = TokenizerJson.Type(e, path, source);
        switch (type)
        {
            case "ByteLevel": return None;
            case "Sequence":
            {
                var before = new List<int>();
                var after = new List<int>();
                int k = 0;
                foreach (var p in TokenizerJson.Array(e, "processors", path, source))
                {
                    var one = Read(p, $"{path}.processors[{k++}]", source);
                    before.InsertRange(0, one.before); // a later processor wraps the earlier one's result
                    after.AddRange(one.after);
                }
                return new PostProcessor(before.ToArray(), after.ToArray());
            }
            case "TemplateProcessing":
            {
                var specials = new Dictionary<string, int[]>(StringComparer.Ordinal);
                if (e.TryGetProperty("special_tokens", out var st) && st.ValueKind == JsonValueKind.Object)
                    foreach (var s in st.EnumerateObject())
                        specials[s.Name] = TokenizerJson.Array(s.Value, "ids", $"{path}.special_tokens.{s.Name}", source).Select(x => x.GetInt32()).ToArray();
                var before = new List<int>();
                var after = new List<int>();
                bool seenSequence = false;
                foreach (var item in TokenizerJson.Array(e, "single", path, source))
                {
                    if (item.TryGetProperty("Sequence", out _)) { seenSequence = true; continue; }
                    if (!item.TryGetProperty("SpecialToken", out var sp))
                        throw new BardException($"{source}: {path}.single has an item that is neither SpecialToken nor Sequence: {item.GetRawText()}.");
                    string id = TokenizerJson.String(sp, "id", $"{path}.single[]", source);
                    if (!specials.TryGetValue(id, out var ids))
                        throw new BardException($"{source}: {path}.single names the special token '{id}', which special_tokens does not define.");
                    (seenSequence ? after : before).AddRange(ids);
                }
                return new PostProcessor(before.ToArray(), after.ToArray());
            }
            case "BertProcessing" or "RobertaProcessing":
            {
                int Id(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == 2 ? v[1].GetInt32()
                    : throw new BardException($"{source}: {path}.{name} must be [token, id].");
                return new PostProcessor([Id("cls")], [Id("sep")]);
            }
            default:
                throw TokenizerJson.Unsupported(source, path + ".type", type, "supported post-processors: TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence");
        }
    }
}
