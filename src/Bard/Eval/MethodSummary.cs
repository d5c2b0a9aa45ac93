namespace Bard.Eval;

/// <summary>One method's metrics at each budget it was evaluated at (mode <c>none</c> first, then by budget).</summary>
/// <param name="Method">Method name (see <see cref="EvalMethods"/>).</param>
/// <param name="PerBudget">Metrics per budget.</param>
public sealed record MethodSummary(string Method, IReadOnlyList<BudgetMetrics> PerBudget);
