using System.Text.RegularExpressions;

namespace Bard.Eval.Answers;

/// <summary>
/// A normalised answer read as a structure, so that equal answers written differently compare equal:
/// a number, a set (answers separated by "," ";" "and"; <c>\{…\}</c>; a ± pair), a bracketed tuple or interval
/// (brackets must match: (0,1) ≠ [0,1)), a union of intervals, a matrix, or, failing all of these, a string.
/// "x = 5", "f(x) = 5", "x \in [0,1]" and "x ≈ 5" read as their right-hand side when the left-hand side is a name;
/// "5 ≥ x" reads as "x ≤ 5" and "a &lt; x &lt; b" as the interval (a, b).
/// </summary>
internal abstract partial record MathValue
{
    public sealed record Number(double Value, bool Percent, bool Integer) : MathValue;
    public sealed record Text(string Value) : MathValue;
    public sealed record Set(IReadOnlyList<MathValue> Items) : MathValue;
    public sealed record Bracketed(char Open, char Close, IReadOnlyList<MathValue> Items) : MathValue;
    public sealed record Union(IReadOnlyList<MathValue> Parts) : MathValue;
    public sealed record Matrix(IReadOnlyList<IReadOnlyList<MathValue>> Rows) : MathValue;

    /// <summary>Reads a string produced by <see cref="LatexNormalizer.Normalize"/>.</summary>
    public static MathValue Parse(string s, int depth = 0)
    {
        if (depth > 8) return new Text(s);
        var union = SplitTopLevel(s, "\\cup");
        if (union.Count > 1) return new Union(union.Select(p => Parse(p, depth + 1)).ToList());
        var items = SplitTopLevel(s, ",", ";").Where(x => x.Length > 0).ToList();
        if (items.Count > 1) return Flatten(items.Select(x => Element(x, depth)));
        return Element(s, depth);
    }

    static MathValue Flatten(IEnumerable<MathValue> items) =>
        new Set(items.SelectMany(v => v is Set inner ? inner.Items : [v]).ToList());

    static MathValue Element(string s, int depth)
    {
        s = StripLeftHandSide(s);
        if (s.Length == 0) return new Text(s);
        if (s.StartsWith("\\{", StringComparison.Ordinal) && s.EndsWith("\\}", StringComparison.Ordinal) && s.Length >= 4)
            return Flatten(SplitTopLevel(s[2..^2], ",", ";").Where(x => x.Length > 0).Select(x => Element(x, depth + 1)));
        if (s[0] == '{' && s[^1] == '}' && MathExtraction.MatchingBrace(s, 0) == s.Length - 1)
            return Parse(s[1..^1], depth + 1);
        if (s[0] is '(' or '[' && s[^1] is ')' or ']' && ClosingBracket(s, 0) == s.Length - 1)
        {
            var inner = SplitTopLevel(s[1..^1], ",", ";");
            if (inner.Count == 1) return Parse(s[1..^1], depth + 1);
            return new Bracketed(s[0], s[^1], inner.Select(x => Element(x, depth + 1)).ToList());
        }
        var matrix = MatrixPattern().Match(s);
        if (matrix.Success)
        {
            var rows = matrix.Groups[2].Value.Split("\\\\", StringSplitOptions.RemoveEmptyEntries)
                .Select(r => (IReadOnlyList<MathValue>)r.Split('&').Select(c => Element(c, depth + 1)).ToList()).ToList();
            return new Matrix(rows);
        }
        var chain = IntervalChain().Match(s);
        if (chain.Success && IsName(chain.Groups[3].Value))
        {
            bool reversed = chain.Groups[2].Value[0] == '>';
            string lo = chain.Groups[1].Value, hi = chain.Groups[5].Value;
            string opLo = chain.Groups[2].Value, opHi = chain.Groups[4].Value;
            if (reversed) (lo, hi, opLo, opHi) = (hi, lo, opHi, opLo);
            return new Bracketed(opLo.EndsWith('=') ? '[' : '(', opHi.EndsWith('=') ? ']' : ')', [Element(lo, depth + 1), Element(hi, depth + 1)]);
        }
        var relation = Relation().Match(s);
        if (relation.Success && !IsName(relation.Groups[1].Value) && IsName(relation.Groups[3].Value))
            s = relation.Groups[3].Value + Flip(relation.Groups[2].Value) + relation.Groups[1].Value;
        int pm = s.IndexOf("\\pm", StringComparison.Ordinal);
        if (pm >= 0 && pm == s.LastIndexOf("\\pm", StringComparison.Ordinal))
        {
            string plus = s.Remove(pm, 3).Insert(pm, pm == 0 ? "" : "+"), minus = s.Remove(pm, 3).Insert(pm, "-");
            return new Set([Leaf(plus), Leaf(minus)]);
        }
        return Leaf(s);
    }

    static MathValue Leaf(string s)
    {
        bool percent = s.EndsWith('%');
        string body = percent ? s[..^1] : s;
        var v = NumericExpression.TryEvaluate(body);
        if (v is double d) return new Number(d, percent, IntegerLiteral().IsMatch(body));
        return new Text(s);
    }

    /// <summary>"x=5" → "5"; "x=1+1=2" → "2"; "x\in[0,1]" → "[0,1]"; "x\approx5" → "5"; "1/3\approx0.3" → "1/3".</summary>
    static string StripLeftHandSide(string s)
    {
        int approx = s.IndexOf("\\approx", StringComparison.Ordinal);
        if (approx >= 0)
        {
            string left = s[..approx], right = s[(approx + 7)..];
            s = IsName(left) ? right : left;
        }
        int inAt = s.IndexOf("\\in", StringComparison.Ordinal);
        if (inAt > 0 && (inAt + 3 >= s.Length || !char.IsLetter(s[inAt + 3])) && IsName(s[..inAt])) s = s[(inAt + 3)..];
        var parts = SplitTopLevel(s, "=");
        if (parts.Count >= 3 && parts.All(p => p.Length > 0) && !s.Contains("<=") && !s.Contains(">=") && !s.Contains("!="))
            return parts[^1];
        if (parts.Count == 2 && parts[0].Length > 0 && parts[1].Length > 0 && !parts[0].EndsWith('<') && !parts[0].EndsWith('>') && !parts[0].EndsWith('!'))
        {
            if (IsName(parts[0])) return parts[1];
            if (NumericExpression.TryEvaluate(parts[0]) is not null && NumericExpression.TryEvaluate(parts[1]) is not null) return parts[1];
        }
        return s;
    }

    /// <summary>A left-hand side that names the answer: x, k, a_3, f(x), |AB|, A:B, S_{MBCN}:S, (x,y), \frac{NO}{BO}.</summary>
    static bool IsName(string s) =>
        s.Length > 0 && NumericExpression.TryEvaluate(s) is null && NamePattern().IsMatch(s) && !HasTopLevelOperator(s);

    static bool HasTopLevelOperator(string s)
    {
        int depth = 0;
        for (int k = 0; k < s.Length; k++)
        {
            char c = s[k];
            if (c is '(' or '[' or '{') depth++;
            else if (c is ')' or ']' or '}') depth--;
            else if (depth == 0 && k > 0 && c is '+' or '-') return true;
        }
        return false;
    }

    static string Flip(string op) => op switch { "<" => ">", ">" => "<", "<=" => ">=", ">=" => "<=", _ => op };

    /// <summary>Splits at separators outside (), [], {} (brackets of intervals count, whichever side they face).</summary>
    internal static List<string> SplitTopLevel(string s, params string[] separators)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int k = 0; k < s.Length; k++)
        {
            char c = s[k];
            if (c == '\\' && k + 1 < s.Length && s[k + 1] is '{' or '}')
            {
                depth += s[k + 1] == '{' ? 1 : -1;
                k++;
                continue;
            }
            if (c is '(' or '[' or '{') { depth++; continue; }
            if (c is ')' or ']' or '}') { depth--; continue; }
            if (depth != 0) continue;
            foreach (var sep in separators)
            {
                if (string.CompareOrdinal(s, k, sep, 0, sep.Length) != 0) continue;
                if (sep[0] == '\\' && k + sep.Length < s.Length && char.IsLetter(s[k + sep.Length])) continue;
                if (sep == "=" && ((k > 0 && s[k - 1] is '<' or '>' or '!') || (k + 1 < s.Length && s[k + 1] == '='))) continue;
                parts.Add(s[start..k]);
                start = k + sep.Length;
                k = start - 1;
                break;
            }
        }
        parts.Add(s[start..]);
        return parts;
    }

    static int ClosingBracket(string s, int open)
    {
        int depth = 0;
        for (int k = open; k < s.Length; k++)
        {
            if (s[k] is '(' or '[' or '{') depth++;
            else if (s[k] is ')' or ']' or '}' && --depth == 0) return k;
        }
        return -1;
    }

    [GeneratedRegex(@"^\(?\\begin\{([pbvB]?matrix|array)\}(?:\{[lcr|]*\})?(.*)\\end\{\1\}\)?$", RegexOptions.Singleline)]
    private static partial Regex MatrixPattern();
    [GeneratedRegex(@"^([^<>=]+)(<=|<|>=|>)([^<>=]+)(<=|<|>=|>)([^<>=]+)$")] private static partial Regex IntervalChain();
    [GeneratedRegex(@"^([^<>=!]+)(<=|<|>=|>|!=)([^<>=!]+)$")] private static partial Regex Relation();
    [GeneratedRegex(@"^(?:[A-Za-z](?:_\{?[A-Za-z0-9]+\}?|')?|\\[a-zA-Z]+(?:_\{?[A-Za-z0-9]+\}?)?|[A-Za-z]+_?\{?[A-Za-z0-9]*\}?\([A-Za-z0-9,]*\)|\|[A-Za-z]+\||\([A-Za-z,]+\)|[A-Za-z][A-Za-z0-9_{}]*:[A-Za-z][A-Za-z0-9_{}]*|\\frac\{[A-Za-z]+\}\{[A-Za-z]+\}|[A-Za-z]+)$")]
    private static partial Regex NamePattern();
    [GeneratedRegex(@"^-?\d+$")] private static partial Regex IntegerLiteral();
}
