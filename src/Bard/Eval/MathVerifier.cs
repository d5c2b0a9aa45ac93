using System.Text.RegularExpressions;
using Bard.Eval.Answers;

namespace Bard.Eval;

/// <summary>
/// Grades mathematical answers (GSM8K, MATH-500, AIME). Three steps:
/// <list type="number">
/// <item>Extraction from the answer part of the response (after <c>&lt;/think&gt;</c>): the last <c>\boxed{}</c>/<c>\fbox{}</c>,
/// else a GSM8K <c>#### 42</c> line, else a "final answer is …"/"answer: …" phrase, else the last LaTeX math span, else the
/// last number in the text.</item>
/// <item>Normalisation of LaTeX, spacing, <c>\text{}</c>, units, thousands separators, fractions, percent, degrees.</item>
/// <item>Comparison: exact normalised string; integers exactly (the AIME fast path: <c>\boxed{033}</c> equals 33);
/// other numbers with <see cref="MathVerifierOptions"/>' rounding and tolerance; <c>\sqrt{2}</c>, <c>2\sqrt{3}</c>, <c>\pi</c>,
/// <c>\frac{a}{b}</c> and mixed numbers evaluated numerically; sets, tuples, intervals, unions and matrices element-wise.</item>
/// </list>
/// Expressions with variables are compared as functions, by evaluation at seeded random points
/// (<see cref="Answers.SymbolicExpression"/>: <c>(x+1)^2</c> = <c>x^2+2x+1</c>, <c>1-\cos^2x</c> = <c>\sin^2x</c>, but <c>(x-1)^2</c> ≠
/// <c>x^2-1</c>); closed forms such as <c>3\ln2</c>, <c>\binom{5}{2}</c>, <c>5!</c> are numbers; one-sided inequalities are intervals
/// (<c>x&gt;2</c> = <c>(2,\infty)</c>, "x&lt;0 or x&gt;1" a union); degrees equal radians when one side is marked (<c>60^\circ</c> =
/// <c>\frac{\pi}{3}</c>); repeating decimals are exact (<c>0.\overline{6}</c> = <c>\frac{2}{3}</c>); equations are equal up to a
/// constant factor (<c>2x+4y-3=0</c> = <c>y=-\frac{1}{2}x+\frac{3}{4}</c>). Not a computer algebra system: equations are not
/// solved (<c>x^2=4</c> ≠ <c>x=2,-2</c>); see docs/answer-checking.md.
/// </summary>
public sealed partial class MathVerifier : IAnswerVerifier
{
    /// <summary>A verifier with <paramref name="options"/> (default: <see cref="MathVerifierOptions"/>' defaults), validated here.</summary>
    public MathVerifier(MathVerifierOptions? options = null)
    {
        Options = options ?? new MathVerifierOptions();
        Options.Validate();
    }

    /// <summary>The comparison options.</summary>
    public MathVerifierOptions Options { get; }

    /// <inheritdoc />
    public Verdict Check(string response, string gold)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(gold);
        string? extracted = Extract(response);
        if (extracted is null) return new Verdict(null, false, "no answer found in the response");
        string goldAnswer = GoldAnswer(gold);
        bool correct = Equivalent(extracted, goldAnswer);
        string read = LatexNormalizer.Normalize(extracted), goldRead = LatexNormalizer.Normalize(goldAnswer);
        string verdict = correct ? "equivalent"
            : SymbolicExpression.IsTooComplex(read) || SymbolicExpression.IsTooComplex(goldRead) ? "not equivalent (too complex to compare)"
            : "not equivalent";
        return new Verdict(extracted, correct, $"read as '{read}', gold as '{goldRead}': {verdict}");
    }

    /// <summary>
    /// The answer a response gives, as written there (e.g. <c>\dfrac{1}{3}</c>, <c>1,234</c>, <c>-2, 1</c>); null when none
    /// is found or it normalises to nothing. Only the text after <c>&lt;/think&gt;</c> is read.
    /// </summary>
    public static string? Extract(string response)
    {
        ArgumentNullException.ThrowIfNull(response);
        string? raw = MathExtraction.Extract(ThinkingText.AnswerPart(response));
        // An "answer" of a thousand characters is a runaway box or span, not an answer.
        if (raw is null || raw.Length > MaxAnswerLength) return null;
        return LatexNormalizer.Normalize(raw).Length == 0 ? null : raw.Trim();
    }

    /// <summary>Longest extracted answer, in characters, that is graded; a longer one counts as no answer.</summary>
    public const int MaxAnswerLength = 1000;

    /// <summary>The canonical form an answer is compared in (whitespace, LaTeX presentation and units removed).</summary>
    public static string Normalize(string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return LatexNormalizer.Normalize(answer);
    }

    /// <summary>
    /// The gold answer as written, before normalisation: the dataset's answer string itself, or, when it is a worked solution
    /// (contains <c>\boxed{}</c> or a GSM8K <c>####</c> line), the answer extracted from it.
    /// </summary>
    public static string GoldAnswer(string gold)
    {
        ArgumentNullException.ThrowIfNull(gold);
        bool worked = gold.Contains("\\boxed", StringComparison.Ordinal) || gold.Contains("\\fbox", StringComparison.Ordinal)
            || gold.Contains("####", StringComparison.Ordinal);
        return (worked ? MathExtraction.Extract(gold) ?? gold : gold).Trim();
    }

    /// <summary>
    /// Whether two answers (already extracted: "\frac{1}{2}", "0.5", "x = 5") are the same. <paramref name="gold"/> is the
    /// reference: an integer gold is compared exactly when <see cref="MathVerifierOptions.ExactIntegers"/> is set.
    /// </summary>
    public bool Equivalent(string answer, string gold)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(gold);
        string a = LatexNormalizer.Normalize(answer), g = LatexNormalizer.Normalize(gold);
        if (a.Length == 0 || g.Length == 0) return false;
        if (a == g) return true;
        // The integer fast path (AIME answers are 0–999, GSM8K's are integers): "033" = "33", exactly.
        if (Integer().IsMatch(g) && Integer().IsMatch(a))
            return decimal.TryParse(a, out var x) && decimal.TryParse(g, out var y) && x == y;
        // Two equations, at least one not of the form "name = value": the same equation up to a constant factor.
        // Two equations with the same name on the left ("y=2x+3" and "y=3+2x") compare as their right-hand sides below.
        if (Equation(a) is ({ } fa, var nameA) && Equation(g) is ({ } fg, var nameG) && !(nameA is not null && nameA == nameG))
            return SymbolicExpression.Proportional(fa, fg);
        var (pa, pg) = (MathValue.Parse(a), MathValue.Parse(g));
        if (MathComparison.Equal(pa, pg, Options)) return true;
        // One side in degrees, the other in radians: 60^\circ = \frac{\pi}{3}. Only when exactly one side is marked, so
        // an unmarked "60" stays 60.
        bool answerDegrees = LatexNormalizer.HasDegrees(answer), goldDegrees = LatexNormalizer.HasDegrees(gold);
        if (answerDegrees != goldDegrees && pa is MathValue.Number na && pg is MathValue.Number ng && !na.Percent && !ng.Percent)
        {
            double Radians(MathValue.Number n, bool degrees) => degrees ? n.Value * Math.PI / 180 : n.Value;
            return MathComparison.Equal(new MathValue.Number(Radians(na, answerDegrees), false, false),
                new MathValue.Number(Radians(ng, goldDegrees), false, false), Options);
        }
        return false;
    }

    /// <summary>
    /// A normalised answer that is one equation with variables, as left − right, and its left side when that is a bare
    /// name ("y" of "y=2x+3", which also reads as the answer 2x+3); null for anything else (lists, relations, numbers).
    /// </summary>
    static (SymbolicExpression F, string? Name)? Equation(string s)
    {
        var sides = MathValue.SplitTopLevel(s, "=");
        if (sides.Count != 2 || sides[0].Length == 0 || sides[1].Length == 0) return null;
        if (s.Contains('<') || s.Contains('>') || s.Contains('!') || MathValue.SplitTopLevel(s, ",", ";").Count > 1) return null;
        var f = SymbolicExpression.TryParse($"({sides[0]})-({sides[1]})");
        if (f is null || f.Variables.Count == 0) return null;
        bool named = MathValue.IsName(sides[0]);
        // "x=2" names a value ("k=5" answers "find k" as "5" does): compared by its right-hand side, as before.
        if (named && SymbolicExpression.TryParse(sides[1]) is { Variables.Count: 0 }) return null;
        return (f, named ? sides[0] : null);
    }

    [GeneratedRegex(@"^-?\d{1,28}$")] private static partial Regex Integer();
}
