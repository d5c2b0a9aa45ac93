using System.Text;
using System.Text.RegularExpressions;

namespace Bard.Eval.Answers;

/// <summary>
/// Finds the answer in a mathematical response, as raw LaTeX/text (normalisation is <see cref="LatexNormalizer"/>'s job).
/// Priority, first hit wins: the last <c>\boxed{…}</c>/<c>\fbox{…}</c> (with the boxes just before it when only
/// separators such as "and" or <c>\quad</c> stand between them: "\boxed{1} and \boxed{2}" is the set {1, 2});
/// a GSM8K line <c>#### 42</c>; a "final answer is …" / "the answer is …" / "answer: …" phrase; the last LaTeX
/// math span (<c>$…$</c>, <c>$$…$$</c>, <c>\(…\)</c>, <c>\[…\]</c>; inline spans may not cross a line); the last
/// number in plain text (with thousands separators, a decimal comma, a fraction a/b or a percent sign).
/// </summary>
internal static partial class MathExtraction
{
    public static string? Extract(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        // A final-answer phrase after the last box wins over the box ("… \boxed{255} … The final answer is $10,455$").
        var boxes = Boxes(text);
        var phrases = AnswerPhrase().Matches(text);
        if (boxes.Count > 0 && (phrases.Count == 0 || phrases[^1].Index < boxes[^1].End)) return Boxed(text, boxes);
        return FinalAnswer(text) ?? (boxes.Count > 0 ? Boxed(text, boxes) : null) ?? Gsm8k(text) ?? Bare(text) ?? LastMathOrNumber(text);
    }

    // ---- \boxed{...} ----

    static readonly string[] BoxCommands = ["\\boxed", "\\fbox"];

    /// <summary>All boxes of the text: (start of the command, end after the closing brace, content).</summary>
    internal static List<(int Start, int End, string Content)> Boxes(string text)
    {
        var boxes = new List<(int, int, string)>();
        int i = 0;
        while (i < text.Length)
        {
            int best = -1; string? cmd = null;
            foreach (var c in BoxCommands)
            {
                int k = text.IndexOf(c, i, StringComparison.Ordinal);
                if (k >= 0 && (best < 0 || k < best)) { best = k; cmd = c; }
            }
            if (best < 0) break;
            int j = best + cmd!.Length;
            while (j < text.Length && text[j] == ' ') j++;
            if (j < text.Length && text[j] == '{')
            {
                int close = MatchingBrace(text, j);
                if (close < 0) break; // an unclosed box (a truncated response) gives no answer
                boxes.Add((best, close + 1, text[(j + 1)..close]));
                i = close + 1;
            }
            else if (j > best + cmd.Length && j < text.Length)
            {
                // "\boxed 5": the next token.
                int e = j;
                while (e < text.Length && !char.IsWhiteSpace(text[e]) && text[e] is not '$' and not '.') e++;
                boxes.Add((best, e, text[j..e]));
                i = e;
            }
            else i = j;
        }
        return boxes;
    }

    /// <summary>Index of the brace closing the one at <paramref name="open"/>, or -1.</summary>
    internal static int MatchingBrace(string s, int open, char o = '{', char c = '}')
    {
        int depth = 0;
        for (int k = open; k < s.Length; k++)
        {
            if (s[k] == '\\' && k + 1 < s.Length && (s[k + 1] == o || s[k + 1] == c)) { k++; continue; }
            if (s[k] == o) depth++;
            else if (s[k] == c && --depth == 0) return k;
        }
        return -1;
    }

    static string? Boxed(string text, List<(int Start, int End, string Content)> boxes)
    {
        var group = new List<string> { boxes[^1].Content };
        for (int b = boxes.Count - 2; b >= 0; b--)
        {
            if (!IsSeparatorOnly(text[boxes[b].End..boxes[b + 1].Start])) break;
            group.Insert(0, boxes[b].Content);
        }
        return group.Count == 1 ? group[0] : string.Join(",", group);
    }

    /// <summary>True for the text between two boxes that only separates them ("and", ",", "\quad", a short label).</summary>
    static bool IsSeparatorOnly(string gap)
    {
        string g = TextCommand().Replace(gap, m => m.Groups[1].Value);
        g = GapNoise().Replace(g, " ");
        var words = g.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w is not ("and" or "or")).ToArray();
        return words.Count(w => w.Any(char.IsLetter)) <= 1 && words.All(w => w.All(char.IsLetter) || !w.Any(char.IsLetterOrDigit));
    }

    [GeneratedRegex(@"\\text(?:bf|rm|normal)?\{([^{}]*)\}")] private static partial Regex TextCommand();
    [GeneratedRegex(@"\\q?quad|\\[()\[\]]|\$|[,;.:]|\\[,;!]|\s+")] private static partial Regex GapNoise();

    // ---- #### 42 ----

    [GeneratedRegex(@"####\s*([^\n]+)")] private static partial Regex HashAnswer();

    static string? Gsm8k(string text)
    {
        var m = HashAnswer().Matches(text);
        return m.Count == 0 ? null : NonEmpty(m[^1].Groups[1].Value.Trim().TrimEnd('.'));
    }

    // ---- final answer phrases ----

    [GeneratedRegex(@"(?i)(?:final answer|the answer)\s*(?:is|:)|\banswer\s*:|\*\*answer\*\*\s*:?|\*\*answer:\*\*")]
    private static partial Regex AnswerPhrase();
    [GeneratedRegex(@"\.\s+(?=[A-Z])")] private static partial Regex SentenceEnd();
    [GeneratedRegex(@"(?i)\s*(?:I hope it is correct|<\|im_start\|>|<\|im_end\|>).*$", RegexOptions.Singleline)]
    private static partial Regex Trailer();

    static string? FinalAnswer(string text)
    {
        var m = AnswerPhrase().Matches(text);
        if (m.Count == 0) return null;
        int start = m[^1].Index + m[^1].Length;
        int nl = text.IndexOf('\n', start);
        // "The final answer is:\n$$ 42 $$": the answer may sit on the next line.
        string rest = text[start..];
        string line = nl < 0 ? rest : text[start..nl];
        if (string.IsNullOrWhiteSpace(line) && nl >= 0) line = text[(nl + 1)..];
        line = Trailer().Replace(line, "");
        var sentenceEnd = SentenceEnd().Match(line);
        if (sentenceEnd.Success) line = line[..sentenceEnd.Index];
        line = line.Trim().Trim('*', ' ').TrimEnd('.', ' ');
        if (line.Length == 0) return null;
        var math = MathSpans(line);
        if (math.Count == 1 && math[0].Start == 0 && math[0].End >= line.TrimEnd('.', '"', ' ').Length) return NonEmpty(math[0].Content);
        if (math.Count == 0 && Bare(line) is string whole) return whole; // "x = 3 or x = -2"
        var number = LastNumberMatch(line, math);
        if (math.Count > 0 && (number is null || math[^1].End > number.Index)) return LastMath(line, math);
        if (number is not null) return ProseValue(number.Value);
        return NonEmpty(line.Trim('"'));
    }

    // ---- LaTeX math spans ----

    internal static List<(int Start, int End, string Content)> MathSpans(string text)
    {
        var spans = new List<(int, int, string)>();
        int i = 0;
        while (i < text.Length)
        {
            string? open = null, close = null; bool multiline = true;
            if (At(text, i, "$$")) { open = "$$"; close = "$$"; }
            else if (At(text, i, "\\[")) { open = "\\["; close = "\\]"; }
            else if (At(text, i, "\\(")) { open = "\\("; close = "\\)"; multiline = false; }
            else if (text[i] == '$' && (i == 0 || text[i - 1] != '\\')) { open = "$"; close = "$"; multiline = false; }
            else if (text[i] == '\\') { i += 2; continue; }
            if (open is null) { i++; continue; }
            int from = i + open.Length, k = from, end = -1;
            while (k < text.Length)
            {
                if (close == "$" && text[k] == '\\' ) { k += 2; continue; }
                if (At(text, k, close!)) { end = k; break; }
                if (!multiline && text[k] == '\n') break;
                k++;
            }
            if (end < 0) { i = from; continue; }
            string content = text[from..end];
            if (!string.IsNullOrWhiteSpace(content)) spans.Add((i, end + close!.Length, content));
            i = end + close!.Length;
        }
        return spans;
    }

    static bool At(string s, int i, string token) => string.CompareOrdinal(s, i, token, 0, token.Length) == 0;

    /// <summary>The last math span, with the spans just before it when only separators stand between them ("$1$ and $2$").</summary>
    static string? LastMath(string text, List<(int Start, int End, string Content)> spans)
    {
        if (spans.Count == 0) return null;
        var group = new List<string> { spans[^1].Content.Trim() };
        for (int b = spans.Count - 2; b >= 0; b--)
        {
            string gap = text[spans[b].End..spans[b + 1].Start];
            if (gap.Contains('\n') || !IsSeparatorOnly(gap) || gap.Trim().Length == 0 && gap.Length == 0) break;
            if (!Regex.IsMatch(gap, @"^\s*(?:,|and|or|,\s*and)\s*$")) break;
            group.Insert(0, spans[b].Content.Trim());
        }
        return NonEmpty(string.Join(",", group));
    }

    /// <summary>The later of the last math span and the last number outside math spans.</summary>
    static string? LastMathOrNumber(string text)
    {
        var spans = MathSpans(text);
        var number = LastNumberMatch(text, spans);
        if (spans.Count > 0 && (number is null || spans[^1].End > number.Index)) return LastMath(text, spans);
        return number is null ? null : ProseValue(number.Value);
    }

    /// <summary>A response that is nothing but an answer ("\frac{10}{9}", "-5", "x \in [0,1]"): the whole of it.</summary>
    static string? Bare(string text)
    {
        string t = text.Trim();
        if (t.Length == 0 || t.Length > 160 || UnescapedDollar().IsMatch(t)) return null;
        // Commands and their word arguments (\text{east}, \begin{pmatrix}, \mbox{ inches}) are not prose.
        if (ProseWord().IsMatch(Conjunction().Replace(CommandWord().Replace(t, ""), " "))) return null;
        var prose = ProseNumber().Match(t);
        if (prose.Success && prose.Length == t.Length) return ProseValue(t);
        return t;
    }

    // Three letters in a row not part of a \command: prose, not a bare answer.
    [GeneratedRegex(@"(?<![\\a-zA-Z])[a-zA-Z]{3,}")] private static partial Regex ProseWord();
    [GeneratedRegex(@"\\[a-zA-Z]+(?:\{[a-zA-Z ]*\})?")] private static partial Regex CommandWord();
    [GeneratedRegex(@"\b(?:and|or)\b")] private static partial Regex Conjunction();

    // ---- plain numbers ----

    // A number as written in prose: thousands groups with ',' or ' ', a decimal '.' or ',', a fraction, a percent.
    [GeneratedRegex(@"(?<![A-Za-z])-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?![\d,.])|\d+(?:[.,]\d+)?|\.\d+)(?:\s*/\s*\d+(?:\.\d+)?)?(?:\s*(?:%|percent\b))?")]
    private static partial Regex ProseNumber();

    static Match? LastNumberMatch(string text, List<(int Start, int End, string Content)>? exclude = null)
    {
        Match? last = null;
        foreach (Match m in ProseNumber().Matches(text))
        {
            if (exclude is not null && exclude.Any(s => m.Index >= s.Start && m.Index < s.End)) continue;
            last = m;
        }
        if (last is null || !last.Value.Contains(',')) return last;
        // "(-2,1)" and "1,2,3" are lists, not the decimal comma of "2,74 €": read only the part after the last comma.
        bool framed = (last.Index > 0 && text[last.Index - 1] is '(' or '[' or '{' or ',')
                      || (last.Index + last.Length < text.Length && text[last.Index + last.Length] is ')' or ']' or '}' or ',');
        if (!framed) return last;
        var parts = ProseNumber().Match(text, last.Index + last.Value.LastIndexOf(',') + 1);
        return parts.Success ? parts : last;
    }

    static string ProseValue(string v)
    {
        // A decimal comma ("2,74", "1000,99", "0,111"; not "1,000", and not "-2,1", which is more likely a list).
        var dc = DecimalComma().Match(v);
        if (dc.Success) v = dc.Groups[1].Value + "." + dc.Groups[2].Value;
        return v;
    }

    [GeneratedRegex(@"^(-?\d+),(\d{2}|\d{4,}|(?<=^-?0,)\d{3})$")] private static partial Regex DecimalComma();

    [GeneratedRegex(@"(?<!\\)\$")] private static partial Regex UnescapedDollar();

    static string? NonEmpty(string s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
