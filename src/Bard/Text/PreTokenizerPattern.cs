using System.Runtime.CompilerServices;
namespace Bard.Text;

/// <summary>
/// The split regexes of the byte-level BPE tokenizers we support, by the model family that uses them.
/// Each is matched by a hand-written scanner that follows Oniguruma's leftmost-first semantics on
/// Unicode code points (as Hugging Face <c>tokenizers</c> does), so that letters and digits outside the
/// Basic Multilingual Plane (𝑥, 𝟎, 𠀀) are classed as the Rust library classes them; .NET's Regex sees
/// their two UTF-16 halves instead.
/// </summary>
public enum PreTokenizerPattern
{
    /// <summary>Qwen2 / Qwen2.5 / Qwen3: <c>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</c>.</summary>
    Qwen2,
    /// <summary>Llama-3: the Qwen2 pattern with numbers in runs of up to three digits (<c>\p{N}{1,3}</c>).</summary>
    Llama3,
    /// <summary>GPT-2 (ByteLevel with use_regex): <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c>.</summary>
    Gpt2,
}

/// <summary>Splits text into pre-tokens with one <see cref="PreTokenizerPattern"/>; works on characters only, knows no vocabulary.</summary>
internal static class PreTokenizerScanner
{
    public const string Qwen2Regex = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
    public const string Llama3Regex = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
    public const string Gpt2Regex = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>The pattern a tokenizer.json Split regex stands for, or null when it is none of ours.</summary>
    public static PreTokenizerPattern? Recognise(string regex) => regex switch
    {
        Qwen2Regex => PreTokenizerPattern.Qwen2,
        Llama3Regex => PreTokenizerPattern.Llama3,
        Gpt2Regex => PreTokenizerPattern.Gpt2,
        _ => null,
    };

    enum Cls : byte { Letter, Number, Newline, Space, Other }

    static readonly Cls[] Ascii = BuildAscii();

    static Cls[] BuildAscii()
    {
        var t = new Cls[128];
        for (int c = 0; c < 128; c++)
        {
            t[c] = c is '\r' or '\n' ? Cls.Newline
                : c is ' ' or '\t' or '\v' or '\f' ? Cls.Space
                : char.IsAsciiLetter((char)c) ? Cls.Letter
                : char.IsAsciiDigit((char)c) ? Cls.Number
                : Cls.Other;
        }
        return t;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: skip tier-0 so a short run is not slowed by the JIT
    static Cls Classify(string s, int i, out int width)
    {
        char c = s[i];
        if (c < 128) { width = 1; return Ascii[c]; }
        if (System.Text.Rune.DecodeFromUtf16(s.AsSpan(i), out var rune, out width) != System.Buffers.OperationStatus.Done)
        {
            width = 1;
            return Cls.Other; // a lone surrogate: encoded as U+FFFD (a symbol) downstream
        }
        if (System.Text.Rune.IsWhiteSpace(rune)) return Cls.Space; // \s: Zs, Zl, Zp, \t..\r, U+0085, as Oniguruma's
        switch (System.Text.Rune.GetUnicodeCategory(rune))
        {
            case System.Globalization.UnicodeCategory.UppercaseLetter:
            case System.Globalization.UnicodeCategory.LowercaseLetter:
            case System.Globalization.UnicodeCategory.TitlecaseLetter:
            case System.Globalization.UnicodeCategory.ModifierLetter:
            case System.Globalization.UnicodeCategory.OtherLetter:
                return Cls.Letter;
            case System.Globalization.UnicodeCategory.DecimalDigitNumber:
            case System.Globalization.UnicodeCategory.LetterNumber:
            case System.Globalization.UnicodeCategory.OtherNumber:
                return Cls.Number;
            default:
                return Cls.Other;
        }
    }

    static bool IsSpace(Cls c) => c is Cls.Space or Cls.Newline;

    /// <summary>Appends (start, length) of every pre-token of <paramref name="s"/>[start..end) to <paramref name="pieces"/>; pieces tile the range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Split(string s, int start, int end, PreTokenizerPattern pattern, List<(int Start, int Length)> pieces)
    {
        int i = start;
        while (i < end)
        {
            int j = pattern == PreTokenizerPattern.Gpt2 ? MatchGpt2(s, i, end) : MatchQwen(s, i, end, pattern == PreTokenizerPattern.Llama3 ? 3 : 1);
            pieces.Add((i, j - i));
            i = j;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static int Contraction(string s, int i, int end, bool ignoreCase)
    {
        if (s[i] != '\'' || i + 1 >= end) return -1;
        char a = s[i + 1];
        if (ignoreCase) a = a == '\u017F' ? 's' : char.ToLowerInvariant(a); // ſ case-folds to s
        if (a is 's' or 't' or 'm' or 'd') return i + 2;
        if (i + 2 < end && a is 'r' or 'v' or 'l')
        {
            char b = s[i + 2];
            if (ignoreCase) b = char.ToLowerInvariant(b);
            if ((a == 'r' || a == 'v') && b == 'e') return i + 3;
            if (a == 'l' && b == 'l') return i + 3;
        }
        return -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static int RunOf(string s, int i, int end, Cls cls)
    {
        while (i < end)
        {
            var c = Classify(s, i, out int w);
            if (c != cls) break;
            i += w;
        }
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static int MatchQwen(string s, int i, int end, int maxDigits)
    {
        int k = Contraction(s, i, end, ignoreCase: true);
        if (k >= 0) return k;
        var c = Classify(s, i, out int w);
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (c == Cls.Letter) return RunOf(s, i + w, end, Cls.Letter);
        if (c != Cls.Newline && c != Cls.Number && i + w < end && Classify(s, i + w, out int w2) == Cls.Letter)
            return RunOf(s, i + w + w2, end, Cls.Letter);
        // \p{N} or \p{N}{1,3}
        if (c == Cls.Number)
        {
            int j = i + w;
            for (int d = 1; d < maxDigits && j < end; d++)
            {
                if (Classify(s, j, out int wd) != Cls.Number) break;
                j += wd;
            }
            return j;
        }
        //  ?[^\s\p{L}\p{N}]+[\r\n]*
        int o = -1;
        if (c == Cls.Other) o = i;
        else if (s[i] == ' ' && i + 1 < end && Classify(s, i + 1, out _) == Cls.Other) o = i + 1;
        if (o >= 0)
        {
            int j = RunOf(s, o, end, Cls.Other);
            return RunOf(s, j, end, Cls.Newline);
        }
        // Whitespace: \s*[\r\n]+ (up to the last newline of the run), else \s+(?!\S), else \s+.
        return WhitespaceRun(s, i, end, newlineRule: true);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static int WhitespaceRun(string s, int i, int end, bool newlineRule)
    {
        int j = i, lastNewline = -1, lastStart = i;
        while (j < end)
        {
            var c = Classify(s, j, out int w);
            if (!IsSpace(c)) break;
            if (c == Cls.Newline) lastNewline = j;
            lastStart = j;
            j += w;
        }
        if (newlineRule && lastNewline >= 0) return lastNewline + 1;
        if (j == end) return j;
        // \s+(?!\S): give back the last whitespace character so the next pre-token can start with it.
        return lastStart > i ? lastStart : j;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static int MatchGpt2(string s, int i, int end)
    {
        int k = Contraction(s, i, end, ignoreCase: false);
        if (k >= 0) return k;
        var c = Classify(s, i, out int w);
        int p = i;
        if (s[i] == ' ' && i + 1 < end)
        {
            var n = Classify(s, i + 1, out int wn);
            if (n is Cls.Letter or Cls.Number or Cls.Other) { p = i + 1; c = n; w = wn; }
        }
        if (c is Cls.Letter or Cls.Number or Cls.Other) return RunOf(s, p + w, end, c);
        return WhitespaceRun(s, i, end, newlineRule: false);
    }
}
