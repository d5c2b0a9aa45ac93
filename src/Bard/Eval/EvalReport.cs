namespace Bard.Eval;

/// <summary>
/// Writes an evaluation's outputs into a folder: <c>summary.json</c>, <c>report.md</c> and the plots
/// <c>accuracy_vs_budget.png</c>, <c>thinking_vs_budget.png</c>, <c>length_ratio.png</c>, <c>accuracy_vs_thinking.png</c>. The samples file
/// (<see cref="EvalSamplesFile"/>) is written by the run as it goes; <see cref="Rebuild"/> remakes the rest from it.
/// </summary>
public static class EvalReport
{
    public const string SummaryFile = "summary.json";
    public const string ReportFile = "report.md";
    public const string AccuracyPlot = "accuracy_vs_budget.png";
    public const string ThinkingPlot = "thinking_vs_budget.png";
    public const string RatioPlot = "length_ratio.png";
    public const string FrontierPlot = "accuracy_vs_thinking.png";

    /// <summary>
    /// Writes summary, report and plots for <paramref name="summary"/> and the <paramref name="samples"/> it was computed
    /// from; <paramref name="extraPlots"/> (file names in <paramref name="directory"/>, already drawn) are shown in the report too.
    /// </summary>
    public static EvalReportFiles Write(string directory, EvalSummary summary, IReadOnlyList<EvalSample> samples, IReadOnlyList<string>? extraPlots = null)
    {
        Directory.CreateDirectory(directory);
        string Full(string name) => Path.GetFullPath(Path.Combine(directory, name));
        EvalSummaryJson.Write(Full(SummaryFile), summary);
        ReportPlots.AccuracyVsBudget(summary, Full(AccuracyPlot));
        ReportPlots.ThinkingVsBudget(summary, Full(ThinkingPlot));
        ReportPlots.LengthRatioDistribution(summary.Task, samples, Full(RatioPlot));
        ReportPlots.AccuracyVsThinking(summary, Full(FrontierPlot));
        string[] plots = [AccuracyPlot, ThinkingPlot, FrontierPlot, RatioPlot, .. extraPlots ?? []];
        File.WriteAllText(Full(ReportFile), ReportMarkdown.Render(summary, plots));
        return new EvalReportFiles(Full(SummaryFile), Full(ReportFile), plots.Select(Full).ToArray());
    }

    /// <summary>
    /// Rebuilds the report of a finished or interrupted run from its <c>samples.jsonl</c>; task, budgets and seconds come
    /// from the existing <c>summary.json</c> when there is one, else from the arguments.
    /// </summary>
    public static EvalReportFiles Rebuild(string directory, string task, IReadOnlyDictionary<string, string>? difficulty = null)
    {
        var samples = EvalSamplesFile.Read(Path.Combine(directory, EvalSamplesFile.FileName));
        string summaryPath = Path.Combine(directory, SummaryFile);
        var old = File.Exists(summaryPath) ? EvalSummaryJson.Read(summaryPath) : null;
        var summary = EvalSummary.FromSamples(old?.Task ?? task, old?.Budgets ?? [], old?.Seconds ?? 0, samples, difficulty) with { Claims = old?.Claims ?? [] };
        return Write(directory, summary, samples);
    }
}
