using System.Text;
using System.Text.Json;

namespace Bard.Text;

/// <summary>
/// A <c>tokenizer.json</c> normalizer: text in, text out, applied to each stretch of text between added tokens (as Hugging Face
/// <c>tokenizers</c> does). Supported: <c>NFC NFD NFKC NFKD Lowercase Strip StripAccents Replace Prepend Sequence</c>.
/// </summary>
internal abstract class Normalizer
{
    public abstract string Apply(string s);

    public static Normalizer? Read(JsonElement n, string path, string source)
    {
        if (n.ValueKind == JsonValueKind.Null) return null;
        string type = TokenizerJson.Type(n, path, source);
        switch (type)
        {
            case "NFC": return new Unicode(NormalizationForm.FormC);
            case "NFD": return new Unicode(NormalizationForm.FormD);
            case "NFKC": return new Unicode(NormalizationForm.FormKC);
            case "NFKD": return new Unicode(NormalizationForm.FormKD);
            case "Lowercase": return new Lowercase();
            case "StripAccents": return new StripAccents();
            case "Strip":
                return new Strip(TokenizerJson.Bool(n, "strip_left", true), TokenizerJson.Bool(n, "strip_right", true));
            case "Prepend":
                return new Prepend(TokenizerJson.String(n, "prepend", path, source));
            case "Replace":
                return new Replace(TokenizerJson.Pattern(n, path, source), TokenizerJson.String(n, "content", path, source));
            case "Sequence":
                var items = TokenizerJson.Array(n, "normalizers", path, source)
                    .Select((e, k) => Read(e, $"{path}.normalizers[{k}]", source)).OfType<Normalizer>().ToArray();
                return new Sequence(items);
            default:
                throw TokenizerJson.Unsupported(source, path + ".type", type,
                    "supported normalizers: NFC, NFD, NFKC, NFKD, Lowercase, Strip, StripAccents, Replace, Prepend, Sequence (not BertNormalizer, Precompiled, ByteLevel)");
        }
    }

    sealed class Unicode(NormalizationForm form) : Normalizer
    {
        public override string Apply(string s) => Normalize(s, form);
    }

    sealed class Lowercase : Normalizer
    {
        // Rust's char::to_lowercase, code point by code point: .NET's simple mapping except İ, whose full lowercase is i + U+0307.
        public override string Apply(string s) => s.Replace("\u0130", "i\u0307").ToLowerInvariant();
    }

    sealed class StripAccents : Normalizer
    {
        // Removes combining marks (Mn), as tokenizers' StripAccents does; it is meant to follow NFD.
        public override string Apply(string s)
        {
            var sb = new StringBuilder(s.Length);
            foreach (var r in s.EnumerateRunes())
                if (Rune.GetUnicodeCategory(r) != System.Globalization.UnicodeCategory.NonSpacingMark) sb.Append(r.ToString());
            return sb.ToString();
        }
    }

    sealed class Strip(bool left, bool right) : Normalizer
    {
        public override string Apply(string s)
        {
            var runes = s.EnumerateRunes().ToList();
            int a = 0, b = runes.Count;
            if (left) while (a < b && Rune.IsWhiteSpace(runes[a])) a++;
            if (right) while (b > a && Rune.IsWhiteSpace(runes[b - 1])) b--;
            return string.Concat(runes.Skip(a).Take(b - a).Select(r => r.ToString()));
        }
    }

    sealed class Prepend(string prefix) : Normalizer
    {
        // tokenizers prepends only to non-empty text.
        public override string Apply(string s) => s.Length == 0 ? s : prefix + s;
    }

    sealed class Replace(OnigRegex pattern, string content) : Normalizer
    {
        public override string Apply(string s) => TokenizerJson.ReplaceAll(pattern, s, content);
    }

    sealed class Sequence(Normalizer[] items) : Normalizer
    {
        public override string Apply(string s)
        {
            foreach (var n in items) s = n.Apply(s);
            return s;
        }
    }

    /// <summary>
    /// Unicode normalization of <paramref name="s"/>. .NET refuses text holding U+FFFE or a lone surrogate; both are starters that
    /// compose with nothing, so normalizing the text between them piece by piece is exact; a lone surrogate becomes U+FFFD, which is
    /// what its UTF-8 bytes would be anyway.
    /// </summary>
    public static string Normalize(string s, NormalizationForm form)
    {
        // Every character below U+0300 is left alone by NFC; the other forms may decompose Latin-1 (NFKC: ª → a).
        if (form == NormalizationForm.FormC && !s.AsSpan().ContainsAnyInRange('\u0300', '\uFFFF')) return s;
        try { return s.IsNormalized(form) ? s : s.Normalize(form); }
        catch (ArgumentException)
        {
            var sb = new StringBuilder(s.Length);
            int start = 0;
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
                if (c != '\uFFFE' && !char.IsSurrogate(c)) continue;
                sb.Append(s.AsSpan(start, i - start).ToString().Normalize(form));
                sb.Append(c == '\uFFFE' ? c : '\uFFFD');
                start = i + 1;
            }
            sb.Append(s[start..].Normalize(form));
            return sb.ToString();
        }
    }
}

/// <summary>Small readers of tokenizer.json fields shared by the normalizer, pre-tokenizer, decoder and post-processor readers.</summary>
internal static class TokenizerJson
{
    public static string Type(JsonElement e, string path, string source) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()!
            : throw new BardException($"{source}: {path} has no \"type\"; is this a Hugging Face tokenizer.json?");

    public static bool Bool(JsonElement e, string name, bool fallback) =>
        e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;

    public static string String(JsonElement e, string name, string path, string source) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()!
            : throw new BardException($"{source}: {path}.{name} is missing or not a string.");

    public static string? OptionalString(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static IEnumerable<JsonElement> Array(JsonElement e, string name, string path, string source) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray()
            : throw new BardException($"{source}: {path}.{name} is missing or not a list.");

    /// <summary>A <c>pattern</c> field: <c>{"String": "…"}</c> (a literal) or <c>{"Regex": "…"}</c>.</summary>
    public static OnigRegex Pattern(JsonElement e, string path, string source)
    {
        if (!e.TryGetProperty("pattern", out var p) || p.ValueKind != JsonValueKind.Object)
            throw new BardException($"{source}: {path}.pattern is missing; expected {{\"String\": …}} or {{\"Regex\": …}}.");
        if (p.TryGetProperty("String", out var s) && s.ValueKind == JsonValueKind.String) return OnigRegex.Literal(s.GetString()!);
        if (p.TryGetProperty("Regex", out var r) && r.ValueKind == JsonValueKind.String) return OnigRegex.Compile(r.GetString()!, $"{source}: {path}.pattern");
        throw new BardException($"{source}: {path}.pattern is {p.GetRawText()}; expected {{\"String\": …}} or {{\"Regex\": …}}.");
    }

    /// <summary>Every match of <paramref name="pattern"/> in <paramref name="s"/> replaced by <paramref name="content"/>.</summary>
    public static string ReplaceAll(OnigRegex pattern, string s, string content)
    {
        if (s.Length == 0) return s;
        var cps = OnigRegex.ToCodePoints(s);
        var matches = pattern.Matches(cps);
        if (matches.Count == 0) return s;
        var sb = new StringBuilder(s.Length + 8);
        int prev = 0;
        foreach (var (a, b) in matches)
        {
            Append(sb, cps, prev, a);
            sb.Append(content);
            prev = b;
        }
        Append(sb, cps, prev, cps.Length);
        return sb.ToString();
    }

    public static void Append(StringBuilder sb, int[] cps, int from, int to)
    {
        for (int k = from; k < to; k++)
        {
            int c = cps[k];
            if (c < 0x10000) sb.Append((char)c); else sb.Append(char.ConvertFromUtf32(c));
        }
    }

    public static string Text(int[] cps, int from, int to)
    {
        var sb = new StringBuilder(to - from);
        Append(sb, cps, from, to);
        return sb.ToString();
    }

    public static BardException Unsupported(string source, string field, string value, string why) =>
        new($"{source}: unsupported tokenizer component {field} = {value}: {why}. Bard refuses it rather than tokenizing approximately.");
}
