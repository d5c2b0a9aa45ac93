using System.Globalization;

namespace Bard.Eval.Answers;

/// <summary>
/// Evaluates a normalised (whitespace-free) LaTeX arithmetic expression to a double: numbers (with a decimal point
/// or scientific exponent), + − * / ^, parentheses and braces, implicit multiplication (<c>2\sqrt{3}</c>, <c>\frac94\pi</c>),
/// <c>\frac{a}{b}</c>, <c>\sqrt{a}</c>, <c>\sqrt[n]{a}</c>, <c>\pi</c>, <c>e</c>, a trailing <c>%</c> and mixed numbers
/// (<c>1\frac{1}{10}</c> = 1.1), repeating decimals (<c>0.\overline{6}</c>, <c>0.(6)</c> = 2/3). Anything else (a variable, a function, ∞) makes it fail: such answers are compared as
/// strings, not guessed at. Not a computer algebra system.
/// </summary>
internal sealed class NumericExpression
{
    readonly string s;
    int i;

    NumericExpression(string s) => this.s = s;

    /// <summary>The value of <paramref name="text"/>, or null when it is not a closed arithmetic expression.</summary>
    public static double? TryEvaluate(string text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 400) return null;
        var p = new NumericExpression(text);
        try
        {
            double v = p.Sum();
            if (p.i != p.s.Length || double.IsNaN(v) || double.IsInfinity(v)) return null;
            return v;
        }
        catch (FormatException) { return null; }
    }

    static FormatException Fail() => new();

    bool Eat(string token)
    {
        if (string.CompareOrdinal(s, i, token, 0, token.Length) != 0) return false;
        // "\pi" must not eat the start of "\pix"; single characters are fine.
        if (token.Length > 1 && token[0] == '\\' && i + token.Length < s.Length && char.IsLetter(s[i + token.Length])) return false;
        i += token.Length;
        return true;
    }

    char Peek => i < s.Length ? s[i] : '\0';

    double Sum()
    {
        double v = Product();
        while (true)
        {
            if (Eat("+")) v += Product();
            else if (Eat("-")) v -= Product();
            else return v;
        }
    }

    double Product()
    {
        double v = Unary();
        while (true)
        {
            if (Eat("*")) v *= Unary();
            else if (Eat("/")) v /= Unary();
            else if (StartsPrimary()) v *= Power();
            else return v;
        }
    }

    bool StartsPrimary() => Peek is '(' or '{' or '\\' or 'e' || char.IsDigit(Peek) || Peek == '.';

    double Unary()
    {
        if (Eat("-")) return -Unary();
        if (Eat("+")) return Unary();
        return Power();
    }

    double Power()
    {
        double b = Primary();
        if (Eat("^"))
        {
            double e;
            if (Peek == '{') e = Group('{', '}');
            else if (char.IsDigit(Peek))
            {
                // 2^10 is 1024, as answers are written in plain text (LaTeX would render 2¹0).
                int start = i;
                while (char.IsDigit(Peek)) i++;
                e = double.Parse(s[start..i], CultureInfo.InvariantCulture);
            }
            else if (Eat("-")) e = -Primary();
            else e = Primary();
            return Math.Pow(b, e);
        }
        if (Eat("%")) return b; // the percent sign is a unit here; MathValue decides what it means
        return b;
    }

    double Group(char open, char close)
    {
        if (Peek != open) throw Fail();
        i++;
        double v = Sum();
        if (Peek != close) throw Fail();
        i++;
        return v;
    }

    double Primary()
    {
        if (Peek == '(') return Group('(', ')');
        if (Peek == '{') return Group('{', '}');
        if (char.IsDigit(Peek) || Peek == '.')
        {
            int start = i;
            while (char.IsDigit(Peek)) i++;
            bool integer = true;
            if (Peek == '.') { integer = false; i++; while (char.IsDigit(Peek)) i++; }
            if ((Peek == 'e' || Peek == 'E') && i + 1 < s.Length && (char.IsDigit(s[i + 1]) || (s[i + 1] is '-' or '+' && i + 2 < s.Length && char.IsDigit(s[i + 2]))))
            {
                integer = false; i += 2;
                while (char.IsDigit(Peek)) i++;
            }
            string lit = s[start..i];
            if (lit == ".") throw Fail();
            if (!integer && !lit.Contains('e') && !lit.Contains('E') && TryRepeating(out string period)) return Repeating(lit, period);
            double v = double.Parse(lit, NumberStyles.Float, CultureInfo.InvariantCulture);
            // A mixed number: 1\frac{1}{10} is 1 + 1/10 (MATH writes them so), not 1 × 1/10.
            if (integer && string.CompareOrdinal(s, i, "\\frac", 0, 5) == 0)
            {
                int save = i;
                i += 5;
                if (TryIntegerGroup(out double n) && TryIntegerGroup(out double d) && d != 0) return v + n / d;
                i = save;
            }
            return v;
        }
        if (Eat("\\frac"))
        {
            double n = Argument();
            double d = Argument();
            return n / d;
        }
        if (Eat("\\sqrt"))
        {
            double index = 2;
            if (Peek == '[') index = Group('[', ']');
            double a = Argument();
            return index == 3 ? Math.Cbrt(a) : Math.Pow(a, 1 / index);
        }
        if (Eat("\\pi")) return Math.PI;
        if (Peek == 'e' && (i + 1 >= s.Length || !char.IsLetter(s[i + 1]))) { i++; return Math.E; }
        throw Fail();
    }

    /// <summary>
    /// The repeating part after a decimal number: <c>\overline{6}</c>, <c>\bar{6}</c>, <c>\dot{6}</c> or <c>(6)</c> (digits only),
    /// as in <c>0.\overline{6}</c>, <c>0.1\overline{6}</c>, <c>0.(3)</c>.
    /// </summary>
    bool TryRepeating(out string period)
    {
        period = "";
        int save = i;
        foreach (var (open, close) in new[] { ("\\overline{", "}"), ("\\bar{", "}"), ("\\dot{", "}"), ("(", ")") })
        {
            if (string.CompareOrdinal(s, i, open, 0, open.Length) != 0) continue;
            int from = i + open.Length, end = s.IndexOf(close, from, StringComparison.Ordinal);
            if (end <= from || end - from > 12 || !s[from..end].All(char.IsAsciiDigit)) continue;
            period = s[from..end];
            i = end + close.Length;
            return true;
        }
        i = save;
        return false;
    }

    /// <summary>0.A(B) = 0.A + B / (10^|A| · (10^|B| − 1)): 0.(6) = 2/3, 0.1(6) = 1/6.</summary>
    static double Repeating(string literal, string period)
    {
        int dot = literal.IndexOf('.');
        string whole = literal[..dot], fixedDigits = literal[(dot + 1)..];
        double value = whole.Length == 0 ? 0 : double.Parse(whole, CultureInfo.InvariantCulture);
        if (fixedDigits.Length > 0) value += double.Parse(fixedDigits, CultureInfo.InvariantCulture) / Math.Pow(10, fixedDigits.Length);
        return value + double.Parse(period, CultureInfo.InvariantCulture) / (Math.Pow(10, fixedDigits.Length) * (Math.Pow(10, period.Length) - 1));
    }

    /// <summary>A braced argument, or a single digit ("\frac12").</summary>
    double Argument()
    {
        if (Peek == '{') return Group('{', '}');
        if (char.IsDigit(Peek)) { double v = Peek - '0'; i++; return v; }
        if (Eat("\\pi")) return Math.PI;
        throw Fail();
    }

    bool TryIntegerGroup(out double value)
    {
        value = 0;
        if (Peek != '{') return false;
        int close = s.IndexOf('}', i);
        if (close < 0) return false;
        string inner = s[(i + 1)..close];
        if (inner.Length == 0 || !inner.All(char.IsDigit)) return false;
        value = double.Parse(inner, CultureInfo.InvariantCulture);
        i = close + 1;
        return true;
    }
}
