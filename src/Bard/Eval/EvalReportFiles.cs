namespace Bard.Eval;

/// <summary>The files an evaluation report consists of, as written by <see cref="EvalReport.Write"/> (full paths).</summary>
/// <param name="Summary"><c>summary.json</c>.</param>
/// <param name="Report"><c>report.md</c>.</param>
/// <param name="Plots">The PNG plots: accuracy vs budget, thinking length vs budget, L / b distribution.</param>
public sealed record EvalReportFiles(string Summary, string Report, IReadOnlyList<string> Plots);
