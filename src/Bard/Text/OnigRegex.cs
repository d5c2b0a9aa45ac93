using System.Globalization;
using System.Text;

namespace Bard.Text;

/// <summary>
/// The regexes of <c>tokenizer.json</c> <c>Split</c> pre-tokenizers and <c>Replace</c> normalizers, matched as Hugging Face
/// <c>tokenizers</c> matches them (Oniguruma, Ruby syntax): on Unicode code points, leftmost-first (backtracking, the first
/// alternative that leads to a match wins). .NET's <see cref="System.Text.RegularExpressions.Regex"/> would see the two UTF-16
/// halves of 𝑥 or 😀 instead, so a letter outside the Basic Multilingual Plane would not be <c>\p{L}</c>.
/// Supported: literals and escapes (<c>\t \n \r \f \v \e \xHH \x{H…} \uHHHH</c>), <c>.</c>, classes <c>[…]</c> with ranges,
/// negation and nested classes, <c>\s \S \d \D \w \W \h \H</c>, <c>\p{…} \P{…} \p{^…}</c> for general categories (L, Lu, N, P, S,
/// M, Z, C and their two-letter forms), groups <c>(…) (?:…) (?&lt;name&gt;…) (?>…)</c>, inline flags <c>(?i) (?i:…) (?-i:…)</c>,
/// lookahead <c>(?=…) (?!…)</c>, quantifiers <c>? * + {n} {n,} {,m} {n,m}</c> greedy, lazy (<c>?</c>) or possessive (<c>+</c>),
/// anchors <c>^ $ \A \z \Z \b \B</c>. Anything else (back-references, lookbehind, script properties) is refused with the pattern
/// and position named. Immutable and thread-safe.
/// </summary>
internal sealed class OnigRegex
{
    readonly Node root;

    /// <summary>The pattern as written.</summary>
    public string Pattern { get; }

    OnigRegex(string pattern, Node root) { Pattern = pattern; this.root = root; }

    /// <summary>Compiles <paramref name="pattern"/>; throws <see cref="BardException"/> naming <paramref name="source"/> and the unsupported construct.</summary>
    public static OnigRegex Compile(string pattern, string source)
    {
        var parser = new Parser(pattern, source);
        return new OnigRegex(pattern, parser.ParseAll());
    }

    /// <summary>A regex matching <paramref name="literal"/> itself (a <c>String</c> pattern of tokenizer.json).</summary>
    public static OnigRegex Literal(string literal)
    {
        var cps = ToCodePoints(literal);
        return new OnigRegex(literal, new Seq(cps.Select(c => (Node)new Set(CharSet.Single(c, false))).ToArray()));
    }

    /// <summary>Code points of <paramref name="s"/> (a lone surrogate stays its own code unit, as it is matched by nothing but <c>.</c> and negations).</summary>
    public static int[] ToCodePoints(string s)
    {
        var result = new List<int>(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { result.Add(char.ConvertToUtf32(s[i], s[i + 1])); i++; }
            else result.Add(s[i]);
        }
        return result.ToArray();
    }

    /// <summary>
    /// Every match in <paramref name="cps"/>, left to right, as (start, end) code-point indices, as the Rust <c>onig</c> crate's
    /// <c>find_iter</c> yields them to tokenizers: the search goes on at a match's end, and an empty match right where the
    /// previous match ended is skipped (the search moves one code point on); other empty matches are kept (they split text).
    /// </summary>
    public List<(int Start, int End)> Matches(int[] cps)
    {
        var result = new List<(int, int)>();
        int lastEnd = 0, lastMatchEnd = -1;
        while (lastEnd <= cps.Length)
        {
            int found = -1, end = -1;
            for (int s = lastEnd; s <= cps.Length; s++)
            {
                int e = MatchAt(cps, s);
                if (e >= 0) { found = s; end = e; break; }
            }
            if (found < 0) break;
            if (end == found && end == lastMatchEnd) { lastEnd++; continue; }
            result.Add((found, end));
            lastEnd = lastMatchEnd = end;
        }
        return result;
    }

    /// <summary>End of the match that starts at <paramref name="start"/>, or −1.</summary>
    public int MatchAt(int[] cps, int start)
    {
        int end = -1;
        try { root.Match(new Ctx(cps), start, e => { end = e; return true; }); }
        catch (InsufficientExecutionStackException e)
        {
            throw new BardException($"the regex '{Pattern}' repeats a group too many times in a text of {cps.Length:N0} code points for Bard's "
                + "backtracking matcher; split the text into shorter pieces (or report the tokenizer: its regex needs a compiled matcher).", e);
        }
        return end;
    }

    sealed class Ctx(int[] cps)
    {
        public readonly int[] Cps = cps;
    }

    abstract class Node
    {
        /// <summary>Tries to match at <paramref name="pos"/>; calls <paramref name="next"/> with each end in priority order until it returns true.</summary>
        public abstract bool Match(Ctx c, int pos, Func<int, bool> next);
        /// <summary>The node matches exactly one code point (a class or literal): repetitions of it need no recursion.</summary>
        public virtual CharSet? Single => null;
    }

    sealed class Empty : Node
    {
        public override bool Match(Ctx c, int pos, Func<int, bool> next) => next(pos);
    }

    sealed class Set(CharSet set) : Node
    {
        public override CharSet? Single => set;
        public override bool Match(Ctx c, int pos, Func<int, bool> next) =>
            pos < c.Cps.Length && set.Contains(c.Cps[pos]) && next(pos + 1);
    }

    sealed class Seq(Node[] items) : Node
    {
        public override bool Match(Ctx c, int pos, Func<int, bool> next) => From(0, c, pos, next);
        bool From(int i, Ctx c, int pos, Func<int, bool> next) =>
            i == items.Length ? next(pos) : items[i].Match(c, pos, p => From(i + 1, c, p, next));
    }

    sealed class Alt(Node[] options) : Node
    {
        public override bool Match(Ctx c, int pos, Func<int, bool> next)
        {
            foreach (var o in options) if (o.Match(c, pos, next)) return true;
            return false;
        }
    }

    sealed class Repeat(Node body, int min, int max, bool lazy, bool possessive) : Node
    {
        public override bool Match(Ctx c, int pos, Func<int, bool> next)
        {
            if (possessive) return new Atomic(new Repeat(body, min, max, lazy: false, possessive: false)).Match(c, pos, next);
            if (body.Single is { } set)
            {
                // One code point per iteration: count the run once, then back off (greedy) or extend (lazy) without recursion.
                int n = 0, limit = max < 0 ? int.MaxValue : max;
                while (n < limit && pos + n < c.Cps.Length && set.Contains(c.Cps[pos + n])) n++;
                if (n < min) return false;
                if (lazy) { for (int k = min; k <= n; k++) if (next(pos + k)) return true; }
                else { for (int k = n; k >= min; k--) if (next(pos + k)) return true; }
                return false;
            }
            return Iterate(c, pos, 0, next);
        }

        bool Iterate(Ctx c, int pos, int count, Func<int, bool> next)
        {
            // A repeated group backtracks by recursion, one frame chain per iteration: fail with a clear error, not a crash,
            // when a text repeats it so often that the stack runs out (the known tokenizer regexes repeat single classes only).
            System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
            bool more = max < 0 || count < max;
            if (count >= min && lazy && next(pos)) return true;
            // An iteration that matches empty once the minimum is met would loop forever: Oniguruma stops it there.
            if (more && body.Match(c, pos, p => (p != pos || count < min) && Iterate(c, p, count + 1, next))) return true;
            return count >= min && !lazy && next(pos);
        }
    }

    sealed class Atomic(Node body) : Node
    {
        public override bool Match(Ctx c, int pos, Func<int, bool> next)
        {
            int end = -1;
            if (!body.Match(c, pos, e => { end = e; return true; })) return false;
            return next(end);
        }
    }

    sealed class Look(Node body, bool negate) : Node
    {
        public override bool Match(Ctx c, int pos, Func<int, bool> next)
        {
            bool found = body.Match(c, pos, _ => true);
            return found != negate && next(pos);
        }
    }

    enum AnchorKind { LineStart, LineEnd, TextStart, TextEnd, TextEndBeforeNewline, WordBoundary, NotWordBoundary }

    sealed class Anchor(AnchorKind kind) : Node
    {
        public override bool Match(Ctx c, int pos, Func<int, bool> next)
        {
            var s = c.Cps;
            bool ok = kind switch
            {
                AnchorKind.LineStart => pos == 0 || s[pos - 1] == '\n',
                AnchorKind.LineEnd => pos == s.Length || s[pos] == '\n',
                AnchorKind.TextStart => pos == 0,
                AnchorKind.TextEnd => pos == s.Length,
                AnchorKind.TextEndBeforeNewline => pos == s.Length || (pos == s.Length - 1 && s[pos] == '\n'),
                _ => (pos > 0 && CharSet.IsWord(s[pos - 1])) != (pos < s.Length && CharSet.IsWord(s[pos])) == (kind == AnchorKind.WordBoundary),
            };
            return ok && next(pos);
        }
    }

    /// <summary>A set of code points: ranges, general categories, the <c>\s \d \w \h</c> classes and nested sets, possibly negated.</summary>
    internal sealed class CharSet
    {
        readonly List<(int Lo, int Hi)> ranges = [];
        readonly List<Func<int, bool>> predicates = [];
        bool negate;
        bool ignoreCase;

        public static CharSet Single(int cp, bool ignoreCase)
        {
            var s = new CharSet { ignoreCase = ignoreCase };
            s.ranges.Add((cp, cp));
            return s;
        }

        public static CharSet Of(Func<int, bool> predicate, bool negate = false)
        {
            var s = new CharSet { negate = negate };
            s.predicates.Add(predicate);
            return s;
        }

        public static CharSet Builder(bool negate, bool ignoreCase) => new() { negate = negate, ignoreCase = ignoreCase };

        public void AddRange(int lo, int hi) => ranges.Add((lo, hi));
        public void Add(CharSet inner) => predicates.Add(inner.Contains);

        public bool Contains(int cp)
        {
            bool hit = Raw(cp);
            if (!hit && ignoreCase)
            {
                int f = Fold(cp);
                hit = (f != cp && Raw(f)) || Upper(cp) is int u && u != cp && Raw(u);
            }
            return hit != negate;
        }

        bool Raw(int cp)
        {
            foreach (var (lo, hi) in ranges) if (cp >= lo && cp <= hi) return true;
            foreach (var p in predicates) if (p(cp)) return true;
            return false;
        }

        static bool Valid(int cp) => cp is >= 0 and <= 0x10FFFF and (< 0xD800 or > 0xDFFF);

        /// <summary>Simple case folding (ſ → s, K → k, A → a).</summary>
        public static int Fold(int cp) => Valid(cp) ? Rune.ToLowerInvariant(Rune.ToUpperInvariant(new Rune(cp))).Value : cp;
        static int Upper(int cp) => Valid(cp) ? Rune.ToUpperInvariant(new Rune(cp)).Value : cp;

        public static UnicodeCategory? Category(int cp) => Valid(cp) ? Rune.GetUnicodeCategory(new Rune(cp)) : UnicodeCategory.Surrogate;

        /// <summary>Oniguruma's Unicode <c>\s</c>: White_Space (\t–\r, space, U+0085, U+00A0, U+1680, U+2000–200A, U+2028/9, U+202F, U+205F, U+3000).</summary>
        public static bool IsSpace(int cp) => Valid(cp) && Rune.IsWhiteSpace(new Rune(cp));
        public static bool IsDigit(int cp) => Category(cp) == UnicodeCategory.DecimalDigitNumber;
        /// <summary><c>\w</c>: letters, marks, decimal digits and connector punctuation.</summary>
        public static bool IsWord(int cp) => Category(cp) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter
                or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
                or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation => true,
            _ => false,
        };
        public static bool IsHorizontalSpace(int cp) => cp == '\t' || Category(cp) == UnicodeCategory.SpaceSeparator;
    }

    static readonly Dictionary<string, UnicodeCategory[]> Categories = BuildCategories();

    static Dictionary<string, UnicodeCategory[]> BuildCategories()
    {
        var c = new Dictionary<string, UnicodeCategory[]>(StringComparer.OrdinalIgnoreCase)
        {
            ["Lu"] = [UnicodeCategory.UppercaseLetter], ["Ll"] = [UnicodeCategory.LowercaseLetter], ["Lt"] = [UnicodeCategory.TitlecaseLetter],
            ["Lm"] = [UnicodeCategory.ModifierLetter], ["Lo"] = [UnicodeCategory.OtherLetter],
            ["Mn"] = [UnicodeCategory.NonSpacingMark], ["Mc"] = [UnicodeCategory.SpacingCombiningMark], ["Me"] = [UnicodeCategory.EnclosingMark],
            ["Nd"] = [UnicodeCategory.DecimalDigitNumber], ["Nl"] = [UnicodeCategory.LetterNumber], ["No"] = [UnicodeCategory.OtherNumber],
            ["Pc"] = [UnicodeCategory.ConnectorPunctuation], ["Pd"] = [UnicodeCategory.DashPunctuation], ["Ps"] = [UnicodeCategory.OpenPunctuation],
            ["Pe"] = [UnicodeCategory.ClosePunctuation], ["Pi"] = [UnicodeCategory.InitialQuotePunctuation], ["Pf"] = [UnicodeCategory.FinalQuotePunctuation],
            ["Po"] = [UnicodeCategory.OtherPunctuation],
            ["Sm"] = [UnicodeCategory.MathSymbol], ["Sc"] = [UnicodeCategory.CurrencySymbol], ["Sk"] = [UnicodeCategory.ModifierSymbol], ["So"] = [UnicodeCategory.OtherSymbol],
            ["Zs"] = [UnicodeCategory.SpaceSeparator], ["Zl"] = [UnicodeCategory.LineSeparator], ["Zp"] = [UnicodeCategory.ParagraphSeparator],
            ["Cc"] = [UnicodeCategory.Control], ["Cf"] = [UnicodeCategory.Format], ["Cs"] = [UnicodeCategory.Surrogate], ["Co"] = [UnicodeCategory.PrivateUse],
            ["Cn"] = [UnicodeCategory.OtherNotAssigned],
        };
        foreach (var major in new[] { "L", "M", "N", "P", "S", "Z", "C" })
            c[major] = c.Where(kv => kv.Key.Length == 2 && kv.Key[0] == major[0]).SelectMany(kv => kv.Value).ToArray();
        (string, string)[] names = [("Letter", "L"), ("Mark", "M"), ("Number", "N"), ("Punctuation", "P"), ("Symbol", "S"), ("Separator", "Z"), ("Other", "C"),
            ("Uppercase_Letter", "Lu"), ("Lowercase_Letter", "Ll"), ("Decimal_Number", "Nd"), ("Space_Separator", "Zs")];
        foreach (var (name, abbreviation) in names) c[name] = c[abbreviation];
        return c;
    }

    sealed class Parser(string pattern, string source)
    {
        readonly int[] p = ToCodePoints(pattern);
        int i;

        BardException Error(string what) =>
            new($"{source}: the regex '{pattern}' uses {what} (at code point {i}); Bard's matcher does not support it and refuses the "
                + "tokenizer rather than splitting text differently from Hugging Face tokenizers.");

        public Node ParseAll()
        {
            var node = ParseAlt(false);
            if (i < p.Length) throw Error($"an unbalanced ')'");
            return node;
        }

        bool More => i < p.Length;
        int Peek => p[i];

        Node ParseAlt(bool ignoreCase)
        {
            var options = new List<Node>();
            while (true)
            {
                options.Add(ParseSeq(ref ignoreCase));
                if (More && Peek == '|') { i++; continue; }
                break;
            }
            return options.Count == 1 ? options[0] : new Alt(options.ToArray());
        }

        Node ParseSeq(ref bool ignoreCase)
        {
            var items = new List<Node>();
            while (More && Peek != '|' && Peek != ')')
            {
                // (?i) / (?-i) switch the flag for the rest of the enclosing group.
                if (Peek == '(' && i + 2 < p.Length && p[i + 1] == '?' && TryInlineFlags(out bool on))
                {
                    ignoreCase = on;
                    continue;
                }
                var atom = ParseAtom(ignoreCase);
                items.Add(ParseQuantifier(atom));
            }
            return items.Count == 1 ? items[0] : items.Count == 0 ? new Empty() : new Seq(items.ToArray());
        }

        bool TryInlineFlags(out bool on)
        {
            // (?i) or (?-i) standing alone.
            int j = i + 2;
            bool neg = false;
            if (j < p.Length && p[j] == '-') { neg = true; j++; }
            int start = j;
            while (j < p.Length && p[j] is 'i' or 'm' or 'x') j++;
            on = false;
            if (j == start || j >= p.Length || p[j] != ')') return false;
            for (int k = start; k < j; k++)
                if (p[k] != 'i') { i = k; throw Error($"the inline option '{(char)p[k]}'"); }
            on = !neg;
            i = j + 1;
            return true;
        }

        Node ParseQuantifier(Node atom)
        {
            while (More)
            {
                int min, max;
                int c = Peek;
                if (c == '?') { min = 0; max = 1; i++; }
                else if (c == '*') { min = 0; max = -1; i++; }
                else if (c == '+') { min = 1; max = -1; i++; }
                else if (c == '{' && TryBraces(out min, out max)) { }
                else break;
                bool lazy = false, possessive = false;
                if (More && Peek == '?') { lazy = true; i++; }
                else if (More && Peek == '+' && c != '{') { possessive = true; i++; } // Ruby: {n,m}+ is a repeat of a repeat
                atom = new Repeat(atom, min, max, lazy, possessive);
            }
            return atom;
        }

        bool TryBraces(out int min, out int max)
        {
            // {n} {n,} {,m} {n,m}; anything else is a literal '{' (Oniguruma's rule).
            min = 0; max = -1;
            int j = i + 1;
            int Number(ref int k) { int v = 0, s = k; while (k < p.Length && p[k] >= '0' && p[k] <= '9') v = v * 10 + (p[k++] - '0'); return k == s ? -1 : v; }
            int a = Number(ref j);
            if (j < p.Length && p[j] == '}') { if (a < 0) return false; min = max = a; i = j + 1; return true; }
            if (j >= p.Length || p[j] != ',') return false;
            j++;
            int b = Number(ref j);
            if (j >= p.Length || p[j] != '}' || (a < 0 && b < 0)) return false;
            min = Math.Max(a, 0); max = b;
            if (max >= 0 && max < min) throw Error($"the repeat {{{a},{b}}} with its upper bound below the lower");
            i = j + 1;
            return true;
        }

        Node ParseAtom(bool ignoreCase)
        {
            int c = p[i];
            switch (c)
            {
                case '(': return ParseGroup(ignoreCase);
                case '[': i++; return new Set(ParseClass(ignoreCase));
                case '.': i++; return new Set(CharSet.Of(cp => cp != '\n'));
                case '^': i++; return new Anchor(AnchorKind.LineStart);
                case '$': i++; return new Anchor(AnchorKind.LineEnd);
                case '\\': return ParseEscapeAtom(ignoreCase);
                case '*' or '+' or '?': throw Error($"a quantifier '{(char)c}' with nothing before it");
                default: i++; return new Set(CharSet.Single(c, ignoreCase));
            }
        }

        Node ParseGroup(bool ignoreCase)
        {
            i++; // (
            Node body;
            if (More && Peek == '?')
            {
                i++;
                if (!More) throw Error("an unterminated group");
                int k = Peek;
                if (k == ':') { i++; body = ParseAlt(ignoreCase); }
                else if (k == '>') { i++; body = new Atomic(ParseAlt(ignoreCase)); }
                else if (k == '=' || k == '!') { i++; body = new Look(ParseAlt(ignoreCase), negate: k == '!'); }
                else if (k == '<' && i + 1 < p.Length && (p[i + 1] == '=' || p[i + 1] == '!')) throw Error("a lookbehind");
                else if (k == '<' || k == '\'')
                {
                    int close = k == '<' ? '>' : '\'';
                    while (More && Peek != close) i++;
                    if (!More) throw Error("an unterminated group name");
                    i++;
                    body = ParseAlt(ignoreCase);
                }
                else if (k == 'i' || k == '-')
                {
                    bool neg = k == '-';
                    if (neg) i++;
                    while (More && Peek is 'i' or 'm' or 'x')
                    {
                        if (Peek != 'i') throw Error($"the inline option '{(char)Peek}'");
                        i++;
                    }
                    if (!More || Peek != ':') throw Error("an inline option group that is neither (?i:…) nor (?i)");
                    i++;
                    body = ParseAlt(!neg);
                }
                else throw Error($"the group '(?{(char)k}'");
            }
            else body = ParseAlt(ignoreCase);
            if (!More || Peek != ')') throw Error("an unterminated group");
            i++;
            return body;
        }

        Node ParseEscapeAtom(bool ignoreCase)
        {
            i++; // backslash
            if (!More) throw Error("a trailing backslash");
            int c = Peek;
            switch (c)
            {
                case 'A': i++; return new Anchor(AnchorKind.TextStart);
                case 'z': i++; return new Anchor(AnchorKind.TextEnd);
                case 'Z': i++; return new Anchor(AnchorKind.TextEndBeforeNewline);
                case 'b': i++; return new Anchor(AnchorKind.WordBoundary);
                case 'B': i++; return new Anchor(AnchorKind.NotWordBoundary);
                case >= '1' and <= '9': throw Error("a back-reference");
                case 'k' or 'g': throw Error($"'\\{(char)c}' (back-references and subexpression calls)");
                case 'G' or 'K' or 'R' or 'X' or 'O' or 'N' or 'y' or 'Y': throw Error($"'\\{(char)c}'");
            }
            return new Set(ParseEscapeSet(ignoreCase, inClass: false));
        }

        /// <summary>An escape that stands for a set of code points (after the backslash).</summary>
        CharSet ParseEscapeSet(bool ignoreCase, bool inClass)
        {
            int c = p[i++];
            switch (c)
            {
                case 's': return CharSet.Of(CharSet.IsSpace);
                case 'S': return CharSet.Of(CharSet.IsSpace, negate: true);
                case 'd': return CharSet.Of(CharSet.IsDigit);
                case 'D': return CharSet.Of(CharSet.IsDigit, negate: true);
                case 'w': return CharSet.Of(CharSet.IsWord);
                case 'W': return CharSet.Of(CharSet.IsWord, negate: true);
                case 'h': return CharSet.Of(CharSet.IsHorizontalSpace);
                case 'H': return CharSet.Of(CharSet.IsHorizontalSpace, negate: true);
                case 'p' or 'P': return ParseProperty(negate: c == 'P');
            }
            i--;
            return CharSet.Single(ParseEscapedCodePoint(), ignoreCase);
        }

        /// <summary>The code point of a literal escape (at the character after the backslash).</summary>
        int ParseEscapedCodePoint()
        {
            int c = p[i++];
            switch (c)
            {
                case 't': return '\t';
                case 'n': return '\n';
                case 'r': return '\r';
                case 'f': return '\f';
                case 'v': return '\v';
                case 'a': return '\a';
                case 'e': return 0x1B;
                case '0': return Octal(0);
                case 'x':
                    if (More && Peek == '{') { i++; int v = Hex(8, '}'); i++; return v; }
                    return Hex(2, null);
                case 'u': return Hex(4, null);
            }
            if (c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')) { i--; throw Error($"the escape '\\{(char)c}'"); }
            return c; // an escaped symbol stands for itself
        }

        int Octal(int v)
        {
            for (int n = 0; n < 2 && More && Peek is >= '0' and <= '7'; n++) v = v * 8 + (p[i++] - '0');
            return v;
        }

        int Hex(int maxDigits, int? terminator)
        {
            int v = 0, n = 0;
            while (n < maxDigits && More && Uri.IsHexDigit((char)Peek)) { v = v * 16 + Convert.ToInt32(((char)p[i++]).ToString(), 16); n++; }
            if (n == 0 || (terminator is { } t && (!More || Peek != t))) throw Error("a malformed hexadecimal escape");
            return v;
        }

        CharSet ParseProperty(bool negate)
        {
            if (!More || Peek != '{') throw Error("a one-letter property escape without braces");
            i++;
            if (More && Peek == '^') { negate = !negate; i++; }
            var name = new StringBuilder();
            while (More && Peek != '}') name.Append(char.ConvertFromUtf32(p[i++]));
            if (!More) throw Error("an unterminated \\p{…}");
            i++;
            string key = name.ToString().Replace(" ", "");
            if (key.Equals("Any", StringComparison.OrdinalIgnoreCase)) return CharSet.Of(_ => true, negate);
            if (!Categories.TryGetValue(key, out var cats))
                throw Error($"the property \\p{{{name}}} (only general categories such as L, Lu, N, P, S, M are supported, not scripts or binary properties)");
            var set = cats.ToHashSet();
            return CharSet.Of(cp => CharSet.Category(cp) is { } u && set.Contains(u), negate);
        }

        CharSet ParseClass(bool ignoreCase)
        {
            bool negate = false;
            if (More && Peek == '^') { negate = true; i++; }
            var set = CharSet.Builder(negate, ignoreCase);
            bool first = true;
            while (true)
            {
                if (!More) throw Error("an unterminated character class");
                int c = Peek;
                if (c == ']' && !first) { i++; break; }
                first = false;
                if (c == '[')
                {
                    if (i + 1 < p.Length && p[i + 1] == ':') throw Error("a POSIX bracket class");
                    i++;
                    set.Add(ParseClass(ignoreCase));
                    continue;
                }
                if (c == '&' && i + 1 < p.Length && p[i + 1] == '&') throw Error("a class intersection '&&'");
                int lo;
                if (c == '\\')
                {
                    i++;
                    if (!More) throw Error("a trailing backslash");
                    if (Peek is 's' or 'S' or 'd' or 'D' or 'w' or 'W' or 'h' or 'H' or 'p' or 'P')
                    {
                        set.Add(ParseEscapeSet(ignoreCase, inClass: true));
                        continue;
                    }
                    lo = Peek == 'b' ? Advance('\b') : ParseEscapedCodePoint();
                }
                else { lo = c; i++; }
                // A range lo-hi, unless '-' is the last character of the class.
                if (More && Peek == '-' && i + 1 < p.Length && p[i + 1] != ']')
                {
                    i++;
                    int hi;
                    if (Peek == '\\')
                    {
                        i++;
                        if (!More) throw Error("a trailing backslash");
                        hi = ParseEscapedCodePoint();
                    }
                    else if (Peek == '[') throw Error("a range ending in a class");
                    else hi = p[i++];
                    if (hi < lo) throw Error($"the empty range {char.ConvertFromUtf32(lo)}-{char.ConvertFromUtf32(hi)}");
                    set.AddRange(lo, hi);
                }
                else set.AddRange(lo, lo);
            }
            return set;
        }

        int Advance(int value) { i++; return value; }
    }
}
