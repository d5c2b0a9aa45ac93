using System.Text.RegularExpressions;

namespace Bard.Eval.Answers;

/// <summary>
/// Rewrites an extracted answer into a canonical, whitespace-free string: drops presentation (<c>$</c>, <c>\left</c>/<c>\right</c>,
/// <c>\!</c> <c>\,</c> spacing, <c>\boxed</c>, <c>\text{}</c>/<c>\mathrm{}</c> wrappers, degrees, <c>\$</c>), unit words after a
/// number, thousands separators (<c>1,000</c>, <c>10{,}000</c>, <c>1 000</c>), and spells variants one way (<c>\dfrac</c>→<c>\frac</c>,
/// <c>\frac12</c>→<c>\frac{1}{2}</c>, <c>\sqrt3</c>→<c>\sqrt{3}</c>, <c>\geq</c>→<c>&gt;=</c>, "percent"→<c>%</c>, "and"/"or"
/// between answers → ","). It does not decide equality; <see cref="MathValue"/> does.
/// </summary>
internal static partial class LatexNormalizer
{
    static readonly string[] Unwrapped =
        ["\\boxed", "\\fbox", "\\text", "\\textbf", "\\textit", "\\textrm", "\\textnormal", "\\textup", "\\mbox", "\\mathrm",
         "\\mathbf", "\\mathit", "\\mathsf", "\\operatorname", "\\emph", "\\bm", "\\boldsymbol", "\\displaystyle"];

    public static string Normalize(string answer)
    {
        string s = Whitespace().Replace(answer, " ").Trim();
        if (!s.Contains("\\begin", StringComparison.Ordinal)) s = DoubledBackslash().Replace(s, "\\");
        s = s.Replace("\\$", "").Replace("$", "").Replace("\\%", "%").Replace("**", ""); // "**" is Markdown bold
        s = GroupedComma().Replace(s, "");
        foreach (var cmd in Unwrapped) s = Unwrap(s, cmd);
        s = ThinSpaceThousands().Replace(s, ",");
        s = Spacing().Replace(s, " ");
        s = Sizing().Replace(s, "");
        s = Degrees().Replace(s, "");
        s = s.Replace("\\dfrac", "\\frac").Replace("\\tfrac", "\\frac").Replace("\\cfrac", "\\frac");
        s = GreaterEqual().Replace(s, ">=");
        s = LessEqual().Replace(s, "<=");
        s = NotEqual().Replace(s, "!=");
        s = s.Replace("\\lt", "<").Replace("\\gt", ">").Replace("\\infin", "\\infty");
        s = Times().Replace(s, "*").Replace("\\div", "/");
        s = PercentWord().Replace(s, "%");
        s = Conjunction().Replace(s, ",");
        s = BracketConjunction().Replace(s, ",");
        s = s.Trim().TrimEnd('.').Trim();
        if (s.Length <= 200) s = DropUnits(s); // a unit follows a short number; long strings are not worth the regex
        bool thousands = ThousandsNumber().IsMatch(s);
        s = Whitespace().Replace(s, "");
        s = s.Replace("+\\infty", "\\infty").TrimEnd('.');
        s = FracDigits().Replace(s, "\\frac{$1}{$2}");
        s = FracBraceDigit().Replace(s, "\\frac{$1}{$2}");
        s = FracDigitBrace().Replace(s, "\\frac{$1}{");
        s = SqrtShort().Replace(s, "\\sqrt{$1}");
        if (thousands) s = s.Replace(",", "");
        return s;
    }

    /// <summary>Whether <paramref name="answer"/> carries a degree mark (<c>60^\circ</c>, <c>60°</c>, <c>60\degree</c>), which <see cref="Normalize"/> drops.</summary>
    public static bool HasDegrees(string answer) => Degrees().IsMatch(answer);

    /// <summary>Replaces every <c>\cmd{x}</c> by <c>x</c> (balanced braces; a command without braces is dropped).</summary>
    internal static string Unwrap(string s, string cmd)
    {
        int from = 0;
        while (true)
        {
            int k = s.IndexOf(cmd, from, StringComparison.Ordinal);
            if (k < 0) return s;
            int j = k + cmd.Length;
            if (j < s.Length && char.IsLetter(s[j])) { from = j; continue; } // \textbf when looking for \text
            int b = j;
            while (b < s.Length && s[b] == ' ') b++;
            if (b < s.Length && s[b] == '{')
            {
                int close = MathExtraction.MatchingBrace(s, b);
                if (close < 0) { s = s.Remove(k, b + 1 - k); continue; }
                s = s[..k] + s[(b + 1)..close] + s[(close + 1)..];
            }
            else s = s.Remove(k, j - k);
            from = k;
        }
    }

    // Unit words after a number: "125 miles", "15 cm^2", "0.06 yuan". The words must follow a space and be at least
    // two letters long (or "m"), so "3x" and "2 \pi" are left alone.
    static string DropUnits(string s)
    {
        var m = UnitTail().Match(s);
        if (!m.Success) return s;
        string head = m.Groups[1].Value.Trim();
        string compact = Whitespace().Replace(head, "");
        return NumericExpression.TryEvaluate(compact.TrimEnd('%')) is not null ? head : s;
    }

    [GeneratedRegex(@"(?<!\\)\\\\(?=[a-zA-Z{])")] private static partial Regex DoubledBackslash();
    [GeneratedRegex(@"(?<!\\)\\[,;:! ]|\\q?quad(?![a-zA-Z])|~|\\hspace\{[^}]*\}")] private static partial Regex Spacing();
    [GeneratedRegex(@"\\(?:left|right|[bB]igg?[lr]?)(?![a-zA-Z])")] private static partial Regex Sizing();
    [GeneratedRegex(@"\^\s*\{?\s*\\circ\s*\}?|\\circ(?![a-zA-Z])|°|\\degree(?![a-zA-Z])")] private static partial Regex Degrees();
    [GeneratedRegex(@"\\geq?(?:slant)?(?![a-zA-Z])|≥")] private static partial Regex GreaterEqual();
    [GeneratedRegex(@"\\leq?(?:slant)?(?![a-zA-Z])|≤")] private static partial Regex LessEqual();
    [GeneratedRegex(@"\\neq?(?![a-zA-Z])|≠")] private static partial Regex NotEqual();
    [GeneratedRegex(@"\\(?:cdot|times|ast)(?![a-zA-Z])|×|·")] private static partial Regex Times();
    [GeneratedRegex(@"\s*\b(?:percentage|percent|pct)\b")] private static partial Regex PercentWord();
    [GeneratedRegex(@"\s*,?\s+(?:and|or)\s+|\s*,\s*(?:and|or)\s+")] private static partial Regex Conjunction();
    [GeneratedRegex(@"(?<=[)\]}])\s*(?:and|or)\s*(?=[(\[{])")] private static partial Regex BracketConjunction();
    [GeneratedRegex(@"^(.*?[\d}%])\s+(?:[a-zA-Z]{2,}|m)(?:\s+[a-zA-Z]{2,})*\s*(?:\^\s*\{?\d\}?)?$")] private static partial Regex UnitTail();
    [GeneratedRegex(@"(?<=\d),\\!\s*(?=\d{3})")] private static partial Regex ThinSpaceThousands();
    [GeneratedRegex(@"\{\s*,\s*\}")] private static partial Regex GroupedComma();
    [GeneratedRegex(@"\s+")] private static partial Regex Whitespace();
    [GeneratedRegex(@"\\frac(\d)(\d)")] private static partial Regex FracDigits();
    [GeneratedRegex(@"\\frac\{([^{}]*)\}(\d)(?![\d}])")] private static partial Regex FracBraceDigit();
    [GeneratedRegex(@"\\frac(\d)\{")] private static partial Regex FracDigitBrace();
    [GeneratedRegex(@"\\sqrt(\d+|[a-zA-Z](?![a-zA-Z]))")] private static partial Regex SqrtShort();
    [GeneratedRegex(@"^-?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?%?$")] private static partial Regex ThousandsNumber();
}
