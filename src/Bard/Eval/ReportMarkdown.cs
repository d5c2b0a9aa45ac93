using System.Globalization;
using System.Text;

namespace Bard.Eval;

/// <summary>
/// The text of <c>report.md</c>: comparison tables (accuracy and mean |L − b| / b by method × budget), a table per
/// method with every metric, per-difficulty accuracy where the benchmark has labels, and links to the plots.
/// Pure: it formats a <see cref="EvalSummary"/> and touches no file.
/// </summary>
public static class ReportMarkdown
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Renders the report; <paramref name="plotFiles"/> are image paths relative to the report (none: no images section).</summary>
    public static string Render(EvalSummary summary, IReadOnlyList<string> plotFiles)
    {
        var md = new StringBuilder();
        md.AppendLine($"# Evaluation: {summary.Task}").AppendLine();
        md.AppendLine($"Budgets: {(summary.Budgets.Count == 0 ? "none" : string.Join(", ", summary.Budgets))} tokens · "
            + $"methods: {string.Join(", ", summary.Methods.Select(m => m.Method))} · {summary.Seconds.ToString("0.0", Inv)} s.").AppendLine();
        md.AppendLine("L is the number of thinking tokens and b the budget. Accuracy is given with its 95% Wilson score interval; "
            + "|L − b| / b is averaged over samples; over budget means L > b. \"none\" is a run without a budget (mode none).").AppendLine();

        if (summary.Claims.Count > 0)
        {
            md.AppendLine("## What reproduced").AppendLine();
            md.AppendLine("| claim | holds | evidence |");
            md.AppendLine("|---|---|---|");
            foreach (var c in summary.Claims) md.AppendLine($"| {c.Name} | {(c.Holds ? "yes" : "**no**")} | {c.Evidence.Replace("|", "\\|")} |");
            md.AppendLine();
        }

        var columns = summary.Methods.SelectMany(m => m.PerBudget.Select(r => r.Budget)).Distinct().OrderBy(b => b ?? 0).ToArray();
        md.AppendLine("## Accuracy by method and budget").AppendLine();
        Grid(md, summary, columns, r => Percent(r.Accuracy));
        md.AppendLine("## Mean |L − b| / b by method and budget").AppendLine();
        Grid(md, summary with { Methods = summary.Methods.Where(m => m.PerBudget.Any(r => r.Budget is not null)).ToArray() },
            columns.Where(b => b is not null).ToArray(), r => Fixed(r.MeanAbsRelDev, "0.000"));

        foreach (var m in summary.Methods)
        {
            md.AppendLine($"## {m.Method}").AppendLine();
            md.AppendLine("| budget | accuracy (95% CI) | mean L | median L | mean \\|L − b\\| / b | (mean L − b) / b | RMSE of (L − b) / b | over budget | closed thinking | n |");
            md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in m.PerBudget)
                md.AppendLine($"| {BudgetLabel(r.Budget)} | {AccuracyWithCi(r)} | {Fixed(r.MeanThinkingTokens, "0.0")} | {Fixed(r.MedianThinkingTokens, "0.#")} | "
                    + $"{Fixed(r.MeanAbsRelDev, "0.000")} | {Fixed(r.MeanSignedRelDev, "+0.000;-0.000;0.000")} | {Fixed(r.RmseRelDev, "0.000")} | "
                    + $"{Percent(r.OverBudgetRate)} | {Percent(r.ClosedThinkingRate)} | {r.N} |");
            md.AppendLine();
            var labels = m.PerBudget.SelectMany(r => r.PerDifficulty.Select(d => d.Difficulty)).Distinct().Order(StringComparer.Ordinal).ToArray();
            if (labels.Length > 0)
            {
                md.AppendLine($"Accuracy by difficulty ({m.Method}):").AppendLine();
                md.AppendLine("| budget | " + string.Join(" | ", labels) + " |");
                md.AppendLine("|---:|" + string.Concat(labels.Select(_ => "---:|")));
                foreach (var r in m.PerBudget)
                    md.AppendLine($"| {BudgetLabel(r.Budget)} | " + string.Join(" | ", labels.Select(l =>
                        r.PerDifficulty.FirstOrDefault(d => d.Difficulty == l) is { } d ? $"{Percent(d.Accuracy)} ({d.N})" : "–")) + " |");
                md.AppendLine();
            }
        }

        if (plotFiles.Count > 0)
        {
            md.AppendLine("## Plots").AppendLine();
            foreach (var p in plotFiles) md.AppendLine($"![{Path.GetFileNameWithoutExtension(p)}]({p})").AppendLine();
        }
        return md.ToString();
    }

    static void Grid(StringBuilder md, EvalSummary summary, IReadOnlyList<int?> budgets, Func<BudgetMetrics, string> cell)
    {
        md.AppendLine("| method | " + string.Join(" | ", budgets.Select(BudgetLabel)) + " |");
        md.AppendLine("|---|" + string.Concat(budgets.Select(_ => "---:|")));
        foreach (var m in summary.Methods)
            md.AppendLine($"| {m.Method} | " + string.Join(" | ", budgets.Select(b =>
                m.PerBudget.FirstOrDefault(r => r.Budget == b) is { } r ? cell(r) : "–")) + " |");
        md.AppendLine();
    }

    static string BudgetLabel(int? budget) => budget?.ToString(Inv) ?? "none";

    static string AccuracyWithCi(BudgetMetrics r) => r.Accuracy is null ? "–"
        : r.AccuracyCi is { } ci ? $"{Percent(r.Accuracy)} [{(100 * ci.Low).ToString("0.0", Inv)}, {(100 * ci.High).ToString("0.0", Inv)}]" : Percent(r.Accuracy);

    static string Percent(double? v) => v is { } x ? (100 * x).ToString("0.0", Inv) + "%" : "–";

    static string Fixed(double? v, string format) => v is { } x ? x.ToString(format, Inv) : "–";
}
