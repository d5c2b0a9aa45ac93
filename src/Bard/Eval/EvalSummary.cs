namespace Bard.Eval;

/// <summary>
/// The result of an evaluation: per method, the metrics at each budget. Written as <c>summary.json</c> by
/// <see cref="EvalSummaryJson"/>; built from samples by <see cref="FromSamples"/>.
/// </summary>
/// <param name="Task">The benchmark or task name (<c>gsm8k</c>, <c>math500</c>, …).</param>
/// <param name="Budgets">The budgets evaluated, ascending.</param>
/// <param name="Seconds">Wall-clock seconds the evaluation took.</param>
/// <param name="Methods">Methods in report order (<see cref="EvalMethods.Order"/>, then by name).</param>
public sealed record EvalSummary(string Task, IReadOnlyList<int> Budgets, double Seconds, IReadOnlyList<MethodSummary> Methods)
{
    /// <summary>Version of the <c>summary.json</c> layout written by this Bard.</summary>
    public const int SchemaVersion = 1;

    /// <summary>Claims of the method judged from this run (the demo's; empty for a plain evaluation).</summary>
    public IReadOnlyList<Claim> Claims { get; init; } = [];

    /// <summary>The confidence interval method, written into <c>summary.json</c> (<c>wilson_95</c>).</summary>
    public const string ConfidenceMethod = "wilson_95";

    /// <summary>
    /// Groups <paramref name="samples"/> by method and budget and computes <see cref="BudgetMetrics"/> for each group.
    /// A method has a row for each budget it has samples at (null, mode none, first). <paramref name="budgets"/> is
    /// recorded as given, sorted; samples at budgets outside it are kept too, and their budgets added.
    /// </summary>
    public static EvalSummary FromSamples(string task, IEnumerable<int> budgets, double seconds, IEnumerable<EvalSample> samples,
        IReadOnlyDictionary<string, string>? difficulty = null)
    {
        var all = samples.ToArray();
        var budgetList = budgets.Concat(all.Where(s => s.Budget is not null).Select(s => s.Budget!.Value)).Distinct().Order().ToArray();
        var methods = all.GroupBy(s => s.Method)
            .OrderBy(g => EvalMethods.Order(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new MethodSummary(g.Key, g.GroupBy(s => s.Budget)
                .OrderBy(b => b.Key ?? 0)
                .Select(b => BudgetMetrics.Compute(b.Key, b.ToArray(), difficulty))
                .ToArray()))
            .ToArray();
        return new EvalSummary(task, budgetList, seconds, methods);
    }

    /// <summary>The summary of one method, or null.</summary>
    public MethodSummary? Method(string name) => Methods.FirstOrDefault(m => m.Method == name);
}
