using System.Globalization;

namespace Bard.Eval.Answers;

/// <summary>
/// A normalised (whitespace-free) LaTeX or plain expression with variables, read into a tree that can be evaluated at
/// any point: numbers, variables (<c>x</c>, <c>a_1</c>, <c>x_{12}</c>, <c>\theta</c>), + − * / ^ (right-associative),
/// implicit multiplication (<c>2x</c>, <c>3\ln2</c>, <c>(x+1)(x-1)</c>), <c>\frac</c>, <c>\sqrt</c> (and <c>\sqrt[n]</c>),
/// <c>\binom</c>, <c>!</c>, <c>|x|</c>, <c>\pi</c>, <c>e</c>, and the functions <c>\sin \cos \tan \cot \sec \csc</c>, their
/// inverses and hyperbolic forms, <c>\ln \log \log_b \exp</c> — with LaTeX's powers on function names (<c>\cos^2x</c> is
/// (cos x)², <c>\sin^{-1}x</c> is arcsin x) and unbraced arguments (<c>\sin2x</c> is sin(2x)).
/// <para>
/// Equality (<see cref="Equal"/>) is decided without a computer algebra system, by evaluating both sides at seeded random
/// points: two expressions are equal when they agree (relative tolerance 1e-8) at every one of up to
/// <see cref="Points"/> points where both are defined, and at least <see cref="MinValidPoints"/> such points were found.
/// Any point where both are defined and differ makes them unequal. For polynomials this is the Schwartz–Zippel argument:
/// two different polynomials of degree d agree on a hypersurface of measure zero, so agreement at random real points is
/// a false positive only through floating-point coincidence (|p − q| below 1e-8 of the values at every point); the same
/// holds for the analytic functions above. Points are drawn from ±[0.3, 3.3] (both signs, so <c>\sqrt{x^2}</c> ≠ x), plus
/// small integers, per variable independently (so <c>x+1</c> ≠ <c>y+1</c>).
/// </para>
/// Bounded: at most <see cref="MaxLength"/> characters, <see cref="MaxNodes"/> nodes and nesting depth
/// <see cref="MaxDepth"/>; factorials of integers up to 170 only. Anything else does not parse (null), in microseconds.
/// </summary>
internal sealed class SymbolicExpression
{
    public const int MaxLength = 400;
    public const int MaxNodes = 300;
    public const int MaxDepth = 40;
    public const int Points = 24;
    public const int MinValidPoints = 4;
    const double Tolerance = 1e-10;

    readonly Func<double[], double> eval;

    SymbolicExpression(Func<double[], double> eval, IReadOnlyList<string> variables)
    {
        this.eval = eval;
        Variables = variables;
    }

    /// <summary>Whether <paramref name="text"/> is past the reader's bounds (length, nodes, depth, variables): the "too complex" verdict.</summary>
    public static bool IsTooComplex(string text)
    {
        if (text.Length > MaxLength) return true;
        try { new Parser(text).Sum(); }
        catch (TooComplexException) { return true; }
        catch (FormatException) { }
        return false;
    }

    sealed class TooComplexException : FormatException;

    /// <summary>A constant, to compare an expression with a plain number.</summary>
    public static SymbolicExpression Constant(double value) => new(_ => value, []);

    /// <summary>The variables, in order of first appearance.</summary>
    public IReadOnlyList<string> Variables { get; }

    /// <summary>The value at <paramref name="values"/> (one per <see cref="Variables"/>); NaN outside the domain.</summary>
    public double Evaluate(double[] values) => eval(values);

    /// <summary>The expression in <paramref name="text"/>, or null when it is not one this reader knows (or is too large).</summary>
    public static SymbolicExpression? TryParse(string text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength) return null;
        // A bare word ("odd", "Devon") is an answer, not a product of variables: only one- and two-letter words read as variables.
        if (text.All(char.IsAsciiLetter) && text.Length > 2) return null;
        // Capitals next to another letter or followed by a digit are labels or numerals (IX, AB, A1), not products.
        for (int k = 0; k + 1 < text.Length; k++)
            if (char.IsAsciiLetterUpper(text[k]) && (char.IsAsciiLetter(text[k + 1]) || char.IsAsciiDigit(text[k + 1])) && !InsideCommand(text, k))
                return null;
        var p = new Parser(text);
        try
        {
            var f = p.Sum();
            if (!p.AtEnd) return null;
            return new SymbolicExpression(f, p.Variables);
        }
        catch (FormatException) { return null; }
    }

    /// <summary>
    /// Whether <paramref name="a"/> and <paramref name="b"/> are the same function of their variables (see the class notes);
    /// false when fewer than <see cref="MinValidPoints"/> points are in both domains.
    /// </summary>
    public static bool Equal(SymbolicExpression a, SymbolicExpression b)
    {
        var pair = new PointPair(a, b);
        var rng = new Random(20260401);
        var point = pair.Point;
        int valid = 0;
        // Phase 1: real points. Phase 2, only when too few were in both domains: non-negative integers, for answers such as
        // \binom{n}{2} or n! that are defined at integers only.
        for (int t = 0; t < 2 * Points && (t < Points || valid < MinValidPoints); t++)
        {
            bool integers = t >= Points;
            for (int k = 0; k < point.Length; k++)
                point[k] = integers ? rng.Next(0, 13)
                    : (t % 4) switch
                    {
                        3 => rng.Next(-4, 5),
                        2 => (rng.Next(2) == 0 ? -1 : 1) * (3.3 + 27 * rng.NextDouble()),
                        _ => (rng.Next(2) == 0 ? -1 : 1) * (0.3 + 3 * rng.NextDouble()),
                    };
            var (x, y) = pair.Evaluate();
            bool okX = double.IsFinite(x) && Math.Abs(x) <= 1e15, okY = double.IsFinite(y) && Math.Abs(y) <= 1e15;
            if (!okX || !okY)
            {
                // Defined on one side only, at a point no removable singularity sits on (those are at integers, as 2 is
                // for \frac{x^2-4}{x-2}): different domains, so different answers (\ln|x| ≠ \ln x). Overflow is not a domain.
                bool nanX = double.IsNaN(x), nanY = double.IsNaN(y);
                if (!integers && t % 4 != 3 && nanX != nanY && (okX || okY)) return false;
                continue;
            }
            if (!Close(x, y)) return false;
            valid++;
        }
        return valid >= MinValidPoints;
    }

    /// <summary>Two expressions over the union of their variables: fill <see cref="Point"/>, then evaluate both there.</summary>
    sealed class PointPair
    {
        readonly SymbolicExpression a, b;
        readonly int[] ia, ib;
        readonly double[] pa, pb;

        public PointPair(SymbolicExpression a, SymbolicExpression b)
        {
            (this.a, this.b) = (a, b);
            var names = a.Variables.Union(b.Variables, StringComparer.Ordinal).ToList();
            ia = a.Variables.Select(v => names.IndexOf(v)).ToArray();
            ib = b.Variables.Select(v => names.IndexOf(v)).ToArray();
            (pa, pb, Point) = (new double[ia.Length], new double[ib.Length], new double[names.Count]);
        }

        /// <summary>One value per variable of either expression.</summary>
        public double[] Point { get; }

        public (double A, double B) Evaluate()
        {
            for (int k = 0; k < ia.Length; k++) pa[k] = Point[ia[k]];
            for (int k = 0; k < ib.Length; k++) pb[k] = Point[ib[k]];
            return (a.eval(pa), b.eval(pb));
        }
    }

    /// <summary>Relative 1e-10 with an absolute floor of 1e-12 (rounding residue of cancelling terms), never a floor of 1.</summary>
    static bool Close(double x, double y) => Math.Abs(x - y) <= Tolerance * Math.Max(Math.Abs(x), Math.Abs(y)) + 1e-12;

    /// <summary>Whether position <paramref name="k"/> is inside a command name such as \Delta or \mathrm.</summary>
    static bool InsideCommand(string text, int k)
    {
        int j = k;
        while (j > 0 && char.IsAsciiLetter(text[j - 1])) j--;
        return j > 0 && text[j - 1] == '\\';
    }

    /// <summary>
    /// Whether two equations f = 0 and g = 0 (<paramref name="a"/> = f, <paramref name="b"/> = g, each "left − right") are
    /// the same equation: f = c·g for one nonzero constant c at every random point where both are defined (and g ≠ 0 there).
    /// <c>2x+4y-3=0</c> is <c>y=-\frac{1}{2}x+\frac{3}{4}</c> (c = 4).
    /// </summary>
    public static bool Proportional(SymbolicExpression a, SymbolicExpression b)
    {
        var pair = new PointPair(a, b);
        if (pair.Point.Length == 0) return false;
        var rng = new Random(20260402);
        var point = pair.Point;
        double? ratio = null;
        int valid = 0;
        for (int t = 0; t < Points; t++)
        {
            for (int k = 0; k < point.Length; k++) point[k] = (rng.Next(2) == 0 ? -1 : 1) * (0.3 + (t % 2 == 0 ? 3 : 27) * rng.NextDouble());
            var (x, y) = pair.Evaluate();
            if (!double.IsFinite(x) || !double.IsFinite(y) || Math.Abs(x) > 1e15 || Math.Abs(y) > 1e15) continue;
            if (Math.Abs(y) < 1e-9) { if (Math.Abs(x) > 1e-9) return false; continue; }
            double r = x / y;
            if (Math.Abs(r) < 1e-12) return false;
            if (ratio is { } c && !Close(r, c)) return false;
            ratio ??= r;
            valid++;
        }
        return valid >= MinValidPoints;
    }

    /// <summary>
    /// The expression as a x + c when it is linear in its one variable (checked at four points), else null:
    /// what turns "-x>-1" into "x&lt;1".
    /// </summary>
    public (double Slope, double Intercept)? Linear()
    {
        if (Variables.Count != 1) return null;
        double c = eval([0]), a = eval([1]) - c;
        if (!double.IsFinite(a) || !double.IsFinite(c) || Math.Abs(a) < 1e-12) return null;
        foreach (double x in new[] { 2.0, -3.0, 0.5 })
        {
            double y = eval([x]);
            if (!double.IsFinite(y) || Math.Abs(y - (a * x + c)) > Tolerance * Math.Max(1, Math.Abs(y))) return null;
        }
        return (a, c);
    }

    sealed class Parser(string s)
    {
        int i, nodes, depth;
        readonly List<string> variables = [];

        public IReadOnlyList<string> Variables => variables;
        public bool AtEnd => i == s.Length;

        static readonly string[] Greek =
            ["alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota", "kappa",
             "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega"];

        // Longest names first, so "\sinh" is not read as "\sin" + h.
        static readonly (string Name, Func<double, double> F)[] Functions =
        [
            ("arcsin", Math.Asin), ("arccos", Math.Acos), ("arctan", Math.Atan),
            ("sinh", Math.Sinh), ("cosh", Math.Cosh), ("tanh", Math.Tanh),
            ("coth", x => 1 / Math.Tanh(x)), ("sech", x => 1 / Math.Cosh(x)), ("csch", x => 1 / Math.Sinh(x)),
            ("sin", Math.Sin), ("cos", Math.Cos), ("tan", Math.Tan),
            ("cot", x => 1 / Math.Tan(x)), ("sec", x => 1 / Math.Cos(x)), ("csc", x => 1 / Math.Sin(x)),
            ("exp", Math.Exp), ("ln", Math.Log),
        ];

        static readonly Dictionary<string, Func<double, double>> Inverses = new()
        {
            ["sin"] = Math.Asin, ["cos"] = Math.Acos, ["tan"] = Math.Atan,
            ["sec"] = x => Math.Acos(1 / x), ["csc"] = x => Math.Asin(1 / x), ["cot"] = x => Math.Atan(1 / x),
        };

        static FormatException Fail() => new();

        char Peek => i < s.Length ? s[i] : '\0';

        void Count()
        {
            if (++nodes > MaxNodes) throw new TooComplexException();
        }

        bool Eat(char c)
        {
            if (Peek != c) return false;
            i++;
            return true;
        }

        /// <summary>
        /// Eats "\name" at i. A prefix match: whitespace is gone after normalisation, so "\pi r" arrives as "\pir" and
        /// "\sin x" as "\sinx"; longer names are tried first where one is a prefix of another ("\sinh" before "\sin").
        /// </summary>
        bool EatCommand(string name)
        {
            if (Peek != '\\' || string.CompareOrdinal(s, i + 1, name, 0, name.Length) != 0) return false;
            i += 1 + name.Length;
            return true;
        }

        Func<double[], double> Enter(Func<Func<double[], double>> body)
        {
            if (++depth > MaxDepth) throw new TooComplexException();
            try { return body(); }
            finally { depth--; }
        }

        public Func<double[], double> Sum() => Enter(() =>
        {
            var v = Product();
            while (true)
            {
                if (Eat('+')) { var l = v; var r = Product(); Count(); v = p => l(p) + r(p); }
                else if (Eat('-')) { var l = v; var r = Product(); Count(); v = p => l(p) - r(p); }
                else return v;
            }
        });

        Func<double[], double> Product()
        {
            var v = Unary();
            while (true)
            {
                if (Eat('*')) { var l = v; var r = Unary(); Count(); v = p => l(p) * r(p); }
                else if (Eat('/')) { var l = v; var r = Unary(); Count(); v = p => l(p) / r(p); }
                else if (StartsPrimary()) { var l = v; var r = Power(); Count(); v = p => l(p) * r(p); }
                else return v;
            }
        }

        // '|' is not here: inside |…| a bar closes the absolute value.
        bool StartsPrimary() => Peek is '(' or '{' or '\\' || char.IsAsciiDigit(Peek) || Peek == '.' || char.IsAsciiLetter(Peek);

        Func<double[], double> Unary()
        {
            if (Eat('-')) { var v = Unary(); Count(); return p => -v(p); }
            if (Eat('+')) return Unary();
            return Power();
        }

        Func<double[], double> Power() => Enter(() =>
        {
            var b = Postfix();
            if (!Eat('^')) return b;
            var e = Exponent();
            Count();
            return p => RealPow(b(p), e(p));
        });

        Func<double[], double> Exponent()
        {
            if (Peek == '{') return Group('{', '}');
            // x^10 is x to the tenth, as answers are written in plain text (LaTeX would render x¹0).
            if (char.IsAsciiDigit(Peek)) return Number();
            if (Eat('-')) { var v = Exponent(); return p => -v(p); }
            return Power();
        }

        Func<double[], double> Postfix()
        {
            var v = Primary();
            while (Peek == '!' && !(i + 1 < s.Length && s[i + 1] == '='))
            {
                i++;
                Count();
                var inner = v;
                if (Peek == '!' && !(i + 1 < s.Length && s[i + 1] == '=')) { i++; v = p => DoubleFactorial(inner(p)); }
                else v = p => Factorial(inner(p));
            }
            return v;
        }

        static double DoubleFactorial(double x)
        {
            if (x < 0 || x > 300 || x != Math.Floor(x)) return double.NaN;
            double r = 1;
            for (int k = (int)x; k > 1; k -= 2) r *= k;
            return r;
        }

        /// <summary>x! exactly for the integers 0…170, Γ(x + 1) for other reals (so n! = n·(n−1)! holds at any point), NaN at negative integers.</summary>
        static double Factorial(double x)
        {
            if (x == Math.Floor(x))
            {
                if (x < 0) return double.NaN;
                if (x > 170) return double.PositiveInfinity;
                double r = 1;
                for (int k = 2; k <= (int)x; k++) r *= k;
                return r;
            }
            return Gamma(x + 1);
        }

        /// <summary>\binom{n}{k}: the product formula for a non-negative integer k (a polynomial in n, exact for integer n), Γ ratios otherwise.</summary>
        static double Binomial(double n, double k)
        {
            if (k == Math.Floor(k))
            {
                if (k < 0) return 0;
                if (k > 1000) return double.NaN;
                if (n == Math.Floor(n) && n >= 0 && k > n) return 0;
                double r = 1;
                for (int j = 1; j <= (int)k; j++) r = r * (n - k + j) / j;
                return n == Math.Floor(n) ? Math.Round(r) : r;
            }
            return Gamma(n + 1) / (Gamma(k + 1) * Gamma(n - k + 1));
        }

        static readonly double[] Lanczos =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];

        /// <summary>Γ(x) by Lanczos' approximation (g = 7; relative error ~1e-15), with the reflection formula below ½.</summary>
        static double Gamma(double x)
        {
            if (x == Math.Floor(x) && x <= 0) return double.NaN;
            if (x < 0.5) return Math.PI / (Math.Sin(Math.PI * x) * Gamma(1 - x));
            x -= 1;
            double a = Lanczos[0], t = x + 7.5;
            for (int k = 1; k < Lanczos.Length; k++) a += Lanczos[k] / (x + k);
            return Math.Sqrt(2 * Math.PI) * Math.Pow(t, x + 0.5) * Math.Exp(-t) * a;
        }

        Func<double[], double> Group(char open, char close)
        {
            if (!Eat(open)) throw Fail();
            var v = Sum();
            if (!Eat(close)) throw Fail();
            return v;
        }

        /// <summary>A braced argument, or one digit or letter ("\frac12", "\sqrt x").</summary>
        Func<double[], double> Argument()
        {
            if (Peek == '{') return Group('{', '}');
            if (char.IsAsciiDigit(Peek)) { double d = Peek - '0'; i++; return _ => d; }
            if (Peek == '\\' || char.IsAsciiLetter(Peek)) return Primary();
            throw Fail();
        }

        Func<double[], double> Primary()
        {
            Count();
            if (Peek == '(') return Group('(', ')');
            if (Peek == '{') return Group('{', '}');
            if (Peek == '|')
            {
                i++;
                var inner = Sum();
                if (!Eat('|')) throw Fail();
                return p => Math.Abs(inner(p));
            }
            if (char.IsAsciiDigit(Peek) || Peek == '.') return Number();
            if (EatCommand("frac")) { var n = Argument(); var d = Argument(); return p => n(p) / d(p); }
            if (EatCommand("binom")) { var n = Argument(); var k = Argument(); return p => Binomial(n(p), k(p)); }
            if (EatCommand("sqrt"))
            {
                Func<double[], double>? index = Peek == '[' ? Group('[', ']') : null;
                var a = Argument();
                if (index is null) return p => Math.Sqrt(a(p));
                return p => Root(a(p), index(p));
            }
            if (EatCommand("pi")) return _ => Math.PI;
            if (EatCommand("log")) return Logarithm();
            foreach (var (name, f) in Functions)
                if (EatCommand(name)) return Function(name, f);
            if (Peek == '\\')
            {
                foreach (var g in Greek)
                    if (EatCommand(g)) return Variable("\\" + g + Subscript());
                throw Fail();
            }
            if (char.IsAsciiLetter(Peek))
            {
                char c = s[i++];
                if (c == 'e' && Peek != '_') return _ => Math.E;
                string name = c + Subscript();
                while (Peek == '\'') { name += "'"; i++; }
                return Variable(name);
            }
            throw Fail();
        }

        /// <summary>b^e over the reals: a negative base with an exponent p/q of odd q (q ≤ 15) is real, (−1)^p·|b|^e, so x^{2/3} = (∛x)².</summary>
        static double RealPow(double b, double e)
        {
            if (b >= 0 || e == Math.Floor(e) || !double.IsFinite(e)) return Math.Pow(b, e);
            for (int q = 3; q <= 15; q += 2)
            {
                double pq = e * q, p = Math.Round(pq);
                if (Math.Abs(pq - p) <= 1e-9 * Math.Max(1, Math.Abs(pq)))
                    return (Math.Abs(p) % 2 == 1 ? -1 : 1) * Math.Pow(-b, e);
            }
            return double.NaN;
        }

        static double Root(double a, double n)
        {
            if (n == Math.Floor(n) && n % 2 == 1 && a < 0) return -Math.Pow(-a, 1 / n);
            return Math.Pow(a, 1 / n);
        }

        string Subscript()
        {
            if (Peek != '_') return "";
            int start = i++;
            if (Peek == '{')
            {
                int close = s.IndexOf('}', i);
                if (close < 0) throw Fail();
                i = close + 1;
            }
            else if (char.IsAsciiLetterOrDigit(Peek)) i++;
            else throw Fail();
            return s[start..i].Replace("{", "").Replace("}", "");
        }

        Func<double[], double> Variable(string name)
        {
            int k = variables.IndexOf(name);
            if (k < 0) { k = variables.Count; variables.Add(name); }
            if (variables.Count > 8) throw new TooComplexException();
            return p => p[k];
        }

        Func<double[], double> Number()
        {
            int start = i;
            while (char.IsAsciiDigit(Peek)) i++;
            if (Peek == '.') { i++; while (char.IsAsciiDigit(Peek)) i++; }
            string lit = s[start..i];
            if (lit == ".") throw Fail();
            double v = double.Parse(lit, NumberStyles.Float, CultureInfo.InvariantCulture);
            return _ => v;
        }

        /// <summary>\log_b x, \log x (natural, as sympy reads it), with the same powers and arguments as the other functions.</summary>
        Func<double[], double> Logarithm()
        {
            Func<double[], double>? b = null;
            if (Eat('_')) b = Argument();
            var f = Function("log", Math.Log);
            if (b is null) return f;
            return p => f(p) / Math.Log(b(p));
        }

        /// <summary>A function applied to its argument: "\sin(x)", "\sin{x}", "\sin2x" (the implicit product after it), "\cos^2x".</summary>
        Func<double[], double> Function(string name, Func<double, double> f)
        {
            Func<double[], double>? power = null;
            if (Eat('^'))
            {
                power = Exponent();
                // \sin^{-1} x is arcsin x.
                if (Inverses.TryGetValue(name, out var inverse) && IsMinusOne(power)) { f = inverse; power = null; }
            }
            Func<double[], double> arg;
            // \sin(x)^2 is (sin x)²: a bracketed argument is the argument alone, and a power after it applies to the value.
            if (Peek == '(') arg = Group('(', ')');
            else if (Peek == '{') arg = Group('{', '}');
            else
            {
                // An unbraced argument is the implicit product that follows, powers included (\sin x^2 is sin(x²)),
                // up to an operator or the next function.
                arg = Power();
                while (char.IsAsciiDigit(Peek) || char.IsAsciiLetter(Peek) || (Peek == '\\' && !StartsFunction()))
                {
                    var l = arg; var r = Power(); Count();
                    arg = p => l(p) * r(p);
                }
            }
            Count();
            if (power is null) return p => f(arg(p));
            var pw = power;
            return p => Math.Pow(f(arg(p)), pw(p));
        }

        bool StartsFunction()
        {
            int save = i;
            try
            {
                if (EatCommand("log") || EatCommand("frac")) return true;
                foreach (var (name, _) in Functions) if (EatCommand(name)) return true;
                return false;
            }
            finally { i = save; }
        }

        static bool IsMinusOne(Func<double[], double> e)
        {
            try { return e([]) == -1; }
            catch (IndexOutOfRangeException) { return false; }
        }
    }
}
