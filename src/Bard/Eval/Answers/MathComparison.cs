namespace Bard.Eval.Answers;

/// <summary>
/// Decides whether two <see cref="MathValue"/>s are the same answer. Numbers: equal after rounding to
/// <see cref="MathVerifierOptions.DecimalPlaces"/> or within <see cref="MathVerifierOptions.RelativeTolerance"/>, exactly when
/// the gold is an integer; a percent may be read as itself or divided by 100 (28% equals 28 and 0.28). Sets: same elements
/// in any order. Tuples and intervals: same brackets, same elements in order (a set may match a tuple in order).
/// Unions: the same intervals in any order. Matrices: element-wise. Expressions with variables: equal as functions
/// (<see cref="SymbolicExpression.Equal"/>, random points). Strings: exact after normalisation.
/// </summary>
internal static class MathComparison
{
    public static bool Equal(MathValue pred, MathValue gold, MathVerifierOptions o) => (pred, gold) switch
    {
        (MathValue.Number a, MathValue.Number b) => NumbersEqual(a, b, o),
        (MathValue.Set a, MathValue.Set b) => SameElements(a.Items, b.Items, o),
        (MathValue.Set a, MathValue.Bracketed b) when b is { Open: '(', Close: ')' } => InOrder(a.Items, b.Items, o),
        (MathValue.Bracketed a, MathValue.Set b) when a is { Open: '(', Close: ')' } => InOrder(a.Items, b.Items, o),
        // Intervals read from inequalities on different variables differ (x>2 is not y>2); a written interval has no variable.
        (MathValue.Bracketed a, MathValue.Bracketed b) => a.Open == b.Open && a.Close == b.Close && InOrder(a.Items, b.Items, o)
            && (a.Variable is null || b.Variable is null || a.Variable == b.Variable),
        // A union is a set of intervals: (1, ∞) ∪ (−∞, 0) = (−∞, 0) ∪ (1, ∞).
        (MathValue.Union a, MathValue.Union b) => SameElements(a.Parts, b.Parts, o),
        (MathValue.Expression a, MathValue.Expression b) => a.Source == b.Source || SymbolicExpression.Equal(a.Tree, b.Tree),
        (MathValue.Expression a, MathValue.Number b) when !b.Percent => SymbolicExpression.Equal(a.Tree, SymbolicExpression.Constant(b.Value)),
        (MathValue.Number a, MathValue.Expression b) when !a.Percent => SymbolicExpression.Equal(SymbolicExpression.Constant(a.Value), b.Tree),
        (MathValue.Matrix a, MathValue.Matrix b) => a.Rows.Count == b.Rows.Count && a.Rows.Zip(b.Rows).All(r => InOrder(r.First, r.Second, o)),
        // Set semantics: {x, x} = x ("\boxed{15\frac{39}{40}}, or \boxed{\frac{639}{40}}").
        (MathValue.Set a, not (MathValue.Set or MathValue.Bracketed)) => a.Items.All(x => Equal(x, gold, o)),
        (_, MathValue.Set { Items.Count: 1 } b) => Equal(pred, b.Items[0], o),
        (MathValue.Text a, MathValue.Text b) => a.Value == b.Value,
        _ => false,
    };

    static bool InOrder(IReadOnlyList<MathValue> a, IReadOnlyList<MathValue> b, MathVerifierOptions o) =>
        a.Count == b.Count && a.Zip(b).All(p => Equal(p.First, p.Second, o));

    // Set semantics: repeats do not count ({1, 1, 2} = {1, 2}), order does not matter.
    static bool SameElements(IReadOnlyList<MathValue> a, IReadOnlyList<MathValue> b, MathVerifierOptions o) =>
        a.All(x => b.Any(y => Equal(x, y, o))) && b.All(y => a.Any(x => Equal(x, y, o)));

    static bool NumbersEqual(MathValue.Number pred, MathValue.Number gold, MathVerifierOptions o)
    {
        bool exact = o.ExactIntegers && gold.Integer && !gold.Percent && !pred.Percent;
        foreach (double p in Readings(pred))
            foreach (double g in Readings(gold))
                if (exact ? p == g : Close(p, g, o)) return true;
        return false;
    }

    static IEnumerable<double> Readings(MathValue.Number n) => n.Percent ? [n.Value, n.Value / 100] : [n.Value];

    static bool Close(double a, double b, MathVerifierOptions o) =>
        Math.Round(a, o.DecimalPlaces) == Math.Round(b, o.DecimalPlaces)
        || Math.Abs(a - b) <= o.RelativeTolerance * Math.Max(Math.Abs(a), Math.Abs(b));
}
