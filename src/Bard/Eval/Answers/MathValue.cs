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
    /// <summary>A tuple or interval; <paramref name="Variable"/> names the variable of an interval read from an inequality ("x>2").</summary>
    public sealed record Bracketed(char Open, char Close, IReadOnlyList<MathValue> Items, string? Variable = null) : MathValue;
    public sealed record Union(IReadOnlyList<MathValue> Parts) : MathValue;
    public sealed record Matrix(IReadOnlyList<IReadOnlyList<MathValue>> Rows) : MathValue;
    /// <summary>An expression with variables (<c>x^2+2x+1</c>), compared as a function (<see cref="SymbolicExpression.Equal"/>).</summary>
    public sealed record Expression(string Source, SymbolicExpression Tree) : MathValue;

    /// <summary>Reads a string produced by <see cref="LatexNormalizer.Normalize"/>.</summary>
    public static MathValue Parse(string s, int depth = 0)
    {
        if (depth > 8) return new Text(s);
        var union = SplitTopLevel(s, "\\cup");
        if (union.Count > 1) return new Union(union.Select(p => Parse(p, depth + 1)).ToList());
        var items = SplitTopLevel(s, ",", ";").Where(x => x.Length > 0).ToList();
        // "x<0 or x>1" (the "or" is a comma by now) is the union (−∞, 0) ∪ (1, ∞), not a list of two answers. Only for
        // disjoint intervals: "x>1 and x<3" also arrives as "x>1,x<3", and there "and" means the intersection.
        if (items.Count > 1 && items.Select(RelationInterval).ToList() is var intervals && intervals.All(x => x is not null)
            && Disjoint(intervals.Select(x => x!).ToList()))
            return new Union(intervals.Select(x => (MathValue)x!).ToList());
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
        if (RelationInterval(s) is { } interval) return interval;
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
        // Closed forms the arithmetic reader does not know (3\ln2, \binom{5}{2}, 5!, \sin\frac{\pi}{6}) are numbers too;
        // with variables, an expression compared as a function.
        if (SymbolicExpression.TryParse(body) is { } e)
        {
            if (e.Variables.Count == 0 && e.Evaluate([]) is var x && double.IsFinite(x)) return new Number(SnapToInteger(x), percent, false);
            if (e.Variables.Count > 0 && !percent) return new Expression(s, e);
        }
        return new Text(s);
    }

    /// <summary>
    /// A computed closed form within rounding of an integer is that integer: \log_{10}1000 evaluates to 2.9999999999999996,
    /// and an integer gold is compared exactly.
    /// </summary>
    static double SnapToInteger(double x)
    {
        double r = Math.Round(x);
        return Math.Abs(x - r) <= 1e-12 * Math.Max(1, Math.Abs(x)) ? r : x;
    }

    /// <summary>
    /// A one-sided inequality on a variable as an interval: "x>2" → (2, ∞), "x\le-1" → (−∞, −1], "-x>-1" → (−∞, 1)
    /// (linear in one variable: solved for it); null for anything else ("|x|&lt;2", "f(x)>0", "x>y" stay relations).
    /// </summary>
    static Bracketed? RelationInterval(string s)
    {
        var m = Relation().Match(s);
        if (!m.Success || m.Groups[2].Value == "!=") return null;
        string left = m.Groups[1].Value, op = m.Groups[2].Value, right = m.Groups[3].Value;
        if (!PlainVariable().IsMatch(left) && PlainVariable().IsMatch(right)) (left, op, right) = (right, Flip(op), left);
        Number bound;
        string variable;
        if (PlainVariable().IsMatch(left) && Leaf(right) is Number b) (bound, variable) = (b, left);
        else if (SymbolicExpression.TryParse($"({left})-({right})") is { } f && f.Linear() is (var slope, var intercept))
        {
            // "-x>-1", "2x+1\le5": solve for the variable, flipping the relation when its coefficient is negative.
            bound = new Number(SnapToInteger(-intercept / slope), false, false);
            variable = f.Variables[0];
            if (slope < 0) op = Flip(op);
        }
        else return null;
        return op switch
        {
            ">" => new Bracketed('(', ')', [bound, new Text("\\infty")], variable),
            ">=" => new Bracketed('[', ')', [bound, new Text("\\infty")], variable),
            "<" => new Bracketed('(', ')', [new Text("-\\infty"), bound], variable),
            _ => new Bracketed('(', ']', [new Text("-\\infty"), bound], variable),
        };
    }

    /// <summary>Whether half-lines from <see cref="RelationInterval"/> are pairwise disjoint (sharing no point, endpoints included).</summary>
    static bool Disjoint(IReadOnlyList<Bracketed> intervals)
    {
        static (double Lo, double Hi) Bounds(Bracketed b) =>
            b.Items[0] is Number lo ? (lo.Value, double.PositiveInfinity) : (double.NegativeInfinity, ((Number)b.Items[1]).Value);
        for (int i = 0; i < intervals.Count; i++)
            for (int j = i + 1; j < intervals.Count; j++)
            {
                if (intervals[i].Variable != intervals[j].Variable) return false;
                var (a, b) = (Bounds(intervals[i]), Bounds(intervals[j]));
                if (!(a.Hi < b.Lo || b.Hi < a.Lo)) return false;
            }
        return true;
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
    internal static bool IsName(string s) =>
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
    // One variable as SymbolicExpression names it: a letter other than e, or a Greek command, with an optional subscript and primes.
    [GeneratedRegex(@"^(?:[A-DF-Za-df-z]|\\(?:alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|vartheta|iota|kappa|lambda|mu|nu|xi|rho|sigma|tau|upsilon|phi|varphi|chi|psi|omega))(?:_(?:[A-Za-z0-9]|\{[A-Za-z0-9]+\}))?'*$")]
    private static partial Regex PlainVariable();
}
