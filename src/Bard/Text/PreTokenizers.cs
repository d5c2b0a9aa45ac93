using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Bard.Text;

/// <summary>One piece of pre-tokenized text; <paramref name="AtStart"/> is true when it begins at offset 0 of the original text (Metaspace's "first" scheme).</summary>
internal readonly record struct Piece(string Text, bool AtStart);

/// <summary>How a split keeps the delimiters it found (tokenizers' <c>SplitDelimiterBehavior</c>).</summary>
internal enum SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous }

/// <summary>
/// A <c>tokenizer.json</c> pre-tokenizer of the general path: pieces in, pieces out, as Hugging Face <c>tokenizers</c> splits them.
/// Supported: <c>Split</c> (any regex <see cref="OnigRegex"/> takes, or a string; every behaviour; <c>invert</c>), <c>Digits</c>,
/// <c>Punctuation</c>, <c>Whitespace</c>, <c>WhitespaceSplit</c>, <c>BertPreTokenizer</c>, <c>Metaspace</c>, <c>ByteLevel</c> (last)
/// and <c>Sequence</c>.
/// </summary>
internal abstract class PreTokenizer
{
    public abstract void Apply(List<Piece> pieces);

    /// <summary>Reads a pre-tokenizer; <paramref name="byteLevel"/> is set when a ByteLevel step is found (it must be the last).</summary>
    public static PreTokenizer? Read(JsonElement e, string path, string source, ref bool byteLevel)
    {
        if (e.ValueKind == JsonValueKind.Null) return null;
        string type = TokenizerJson.Type(e, path, source);
        if (byteLevel)
            throw TokenizerJson.Unsupported(source, path + ".type", type, "a pre-tokenizer after ByteLevel (it would see byte-level characters); only ByteLevel as the last step is supported");
        switch (type)
        {
            case "Sequence":
            {
                var steps = new List<PreTokenizer>();
                int k = 0;
                foreach (var item in TokenizerJson.Array(e, "pretokenizers", path, source))
                {
                    if (Read(item, $"{path}.pretokenizers[{k++}]", source, ref byteLevel) is { } step) steps.Add(step);
                }
                return new Sequence(steps.ToArray());
            }
            case "Split":
                return new Split(TokenizerJson.Pattern(e, path, source), Behavior(e, path, source), TokenizerJson.Bool(e, "invert", false));
            case "Digits":
                return TokenizerJson.Bool(e, "individual_digits", false)
                    ? new Split(CharPattern(IsNumeric), SplitBehavior.Isolated, false)
                    : new Split(CharPattern(IsNumeric), SplitBehavior.Contiguous, false);
            case "Punctuation":
                return new Split(CharPattern(IsPunctuation), e.TryGetProperty("behavior", out _) ? Behavior(e, path, source) : SplitBehavior.Isolated, false);
            case "Whitespace":
                return new Split(OnigRegex.Compile(@"\w+|[^\w\s]+", source), SplitBehavior.Removed, invert: true);
            case "WhitespaceSplit":
                return new Split(CharPattern(IsRustWhitespace), SplitBehavior.Removed, false);
            case "BertPreTokenizer":
                return new Sequence([new Split(CharPattern(IsRustWhitespace), SplitBehavior.Removed, false), new Split(CharPattern(IsPunctuation), SplitBehavior.Isolated, false)]);
            case "Metaspace":
            {
                string replacement = TokenizerJson.OptionalString(e, "replacement") ?? "\u2581";
                if (replacement.EnumerateRunes().Count() != 1)
                    throw TokenizerJson.Unsupported(source, path + ".replacement", replacement, "Metaspace's replacement must be one character");
                var scheme = MetaspaceScheme(e, path, source);
                return new Metaspace(replacement, scheme, TokenizerJson.Bool(e, "split", true));
            }
            case "ByteLevel":
                byteLevel = true;
                return new ByteLevelSplit(TokenizerJson.Bool(e, "add_prefix_space", false), TokenizerJson.Bool(e, "use_regex", true));
            default:
                throw TokenizerJson.Unsupported(source, path + ".type", type,
                    "supported pre-tokenizers: Split, Digits, Punctuation, Whitespace, WhitespaceSplit, BertPreTokenizer, Metaspace, ByteLevel, Sequence (not CharDelimiterSplit, UnicodeScripts, FixedLength)");
        }
    }

    /// <summary>Metaspace's <c>prepend_scheme</c> (or the older <c>add_prefix_space</c>): "always", "first" or "never".</summary>
    public static string MetaspaceScheme(JsonElement e, string path, string source)
    {
        if (TokenizerJson.OptionalString(e, "prepend_scheme") is { } s)
            return s is "always" or "first" or "never" ? s : throw TokenizerJson.Unsupported(source, path + ".prepend_scheme", s, "expected always, first or never");
        return TokenizerJson.Bool(e, "add_prefix_space", true) ? "always" : "never";
    }

    static SplitBehavior Behavior(JsonElement e, string path, string source)
    {
        string b = TokenizerJson.String(e, "behavior", path, source);
        return b switch
        {
            "Removed" => SplitBehavior.Removed,
            "Isolated" => SplitBehavior.Isolated,
            "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
            "MergedWithNext" => SplitBehavior.MergedWithNext,
            "Contiguous" => SplitBehavior.Contiguous,
            _ => throw TokenizerJson.Unsupported(source, path + ".behavior", b, "expected Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous"),
        };
    }

    /// <summary>A pattern whose matches are the single code points for which <paramref name="predicate"/> holds (tokenizers' char patterns).</summary>
    static Func<int[], List<(int, int)>> CharPattern(Func<int, bool> predicate) => cps =>
    {
        var m = new List<(int, int)>();
        for (int k = 0; k < cps.Length; k++) if (predicate(cps[k])) m.Add((k, k + 1));
        return m;
    };

    static UnicodeCategory Category(int cp) => OnigRegex.CharSet.Category(cp) ?? UnicodeCategory.OtherNotAssigned;

    /// <summary>Rust's <c>char::is_numeric</c>: Nd, Nl, No.</summary>
    static bool IsNumeric(int cp) => Category(cp) is UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;

    static bool IsUnicodePunctuation(int cp) => Category(cp) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
        or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
        or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    /// <summary>tokenizers' <c>is_punc</c>: ASCII punctuation or Unicode punctuation.</summary>
    static bool IsPunctuation(int cp) => (cp is > 32 and < 127 && !char.IsAsciiLetterOrDigit((char)cp)) || IsUnicodePunctuation(cp);

    /// <summary>Rust's <c>char::is_whitespace</c> (White_Space).</summary>
    static bool IsRustWhitespace(int cp) => OnigRegex.CharSet.IsSpace(cp);

    /// <summary>
    /// Splits every piece at the matches of a pattern, as tokenizers' <c>NormalizedString::split</c>: the text is tiled into matched
    /// and unmatched spans (flipped by <c>invert</c>), the behaviour decides what becomes a piece, and empty pieces are dropped.
    /// </summary>
    internal sealed class Split : PreTokenizer
    {
        readonly Func<int[], List<(int, int)>> find;
        readonly SplitBehavior behavior;
        readonly bool invert;

        public Split(OnigRegex pattern, SplitBehavior behavior, bool invert) : this(pattern.Matches, behavior, invert) { }

        public Split(Func<int[], List<(int, int)>> find, SplitBehavior behavior, bool invert)
        {
            this.find = find;
            this.behavior = behavior;
            this.invert = invert;
        }

        public override void Apply(List<Piece> pieces)
        {
            var result = new List<Piece>(pieces.Count * 2);
            foreach (var piece in pieces) SplitOne(piece, result);
            pieces.Clear();
            pieces.AddRange(result);
        }

        void SplitOne(Piece piece, List<Piece> output)
        {
            var cps = OnigRegex.ToCodePoints(piece.Text);
            var spans = new List<(int Start, int End, bool Match)>();
            if (cps.Length == 0) spans.Add((0, 0, false));
            else
            {
                int prev = 0;
                foreach (var (a, b) in find(cps))
                {
                    if (prev != a) spans.Add((prev, a, false));
                    spans.Add((a, b, true));
                    prev = b;
                }
                if (prev != cps.Length) spans.Add((prev, cps.Length, false));
            }
            if (invert) for (int k = 0; k < spans.Count; k++) spans[k] = spans[k] with { Match = !spans[k].Match };

            var kept = new List<(int Start, int End)>();
            switch (behavior)
            {
                case SplitBehavior.Isolated:
                    foreach (var s in spans) kept.Add((s.Start, s.End));
                    break;
                case SplitBehavior.Removed:
                    foreach (var s in spans) if (!s.Match) kept.Add((s.Start, s.End));
                    break;
                case SplitBehavior.MergedWithPrevious:
                {
                    bool previousMatch = false;
                    foreach (var s in spans)
                    {
                        if (s.Match && !previousMatch && kept.Count > 0) kept[^1] = (kept[^1].Start, s.End);
                        else kept.Add((s.Start, s.End));
                        previousMatch = s.Match;
                    }
                    break;
                }
                case SplitBehavior.MergedWithNext:
                {
                    bool previousMatch = false;
                    for (int k = spans.Count - 1; k >= 0; k--)
                    {
                        var s = spans[k];
                        if (s.Match && !previousMatch && kept.Count > 0) kept[^1] = (s.Start, kept[^1].End);
                        else kept.Add((s.Start, s.End));
                        previousMatch = s.Match;
                    }
                    kept.Reverse();
                    break;
                }
                case SplitBehavior.Contiguous:
                {
                    bool previousMatch = false;
                    foreach (var s in spans)
                    {
                        if (s.Match == previousMatch && kept.Count > 0) kept[^1] = (kept[^1].Start, s.End);
                        else kept.Add((s.Start, s.End));
                        previousMatch = s.Match;
                    }
                    break;
                }
            }
            foreach (var (a, b) in kept)
                if (b > a) output.Add(new Piece(TokenizerJson.Text(cps, a, b), piece.AtStart && a == 0));
        }
    }

    sealed class Sequence(PreTokenizer[] steps) : PreTokenizer
    {
        public override void Apply(List<Piece> pieces)
        {
            foreach (var s in steps) s.Apply(pieces);
        }
    }

    /// <summary>Spaces become the replacement (▁), which is prepended per the scheme; with <c>split</c> each ▁ starts a new piece.</summary>
    sealed class Metaspace(string replacement, string scheme, bool split) : PreTokenizer
    {
        readonly Split splitter = new(OnigRegex.Literal(replacement), SplitBehavior.MergedWithNext, false);

        public override void Apply(List<Piece> pieces)
        {
            for (int k = 0; k < pieces.Count; k++)
            {
                var p = pieces[k];
                string t = p.Text.Replace(" ", replacement);
                if (!t.StartsWith(replacement, StringComparison.Ordinal) && (scheme == "always" || (scheme == "first" && p.AtStart))) t = replacement + t;
                pieces[k] = p with { Text = t };
            }
            if (split) splitter.Apply(pieces);
        }
    }

    /// <summary>ByteLevel as the last step: an optional leading space per piece and the GPT-2 split; the bytes are the model's concern.</summary>
    sealed class ByteLevelSplit(bool addPrefixSpace, bool useRegex) : PreTokenizer
    {
        public override void Apply(List<Piece> pieces)
        {
            if (addPrefixSpace)
                for (int k = 0; k < pieces.Count; k++)
                    if (!pieces[k].Text.StartsWith(' ')) pieces[k] = pieces[k] with { Text = " " + pieces[k].Text };
            if (!useRegex) return;
            var result = new List<Piece>(pieces.Count * 4);
            var spans = new List<(int Start, int Length)>();
            foreach (var p in pieces)
            {
                spans.Clear();
                PreTokenizerScanner.Split(p.Text, 0, p.Text.Length, PreTokenizerPattern.Gpt2, spans);
                foreach (var (s, l) in spans) result.Add(new Piece(p.Text.Substring(s, l), p.AtStart && s == 0));
            }
            pieces.Clear();
            pieces.AddRange(result);
        }
    }
}
