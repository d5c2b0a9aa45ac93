using ScottPlot;

namespace Bard.Eval;

/// <summary>
/// The PNG plots of an evaluation report, drawn with ScottPlot 5 (SkiaSharp; the native library comes from
/// <c>SkiaSharp.NativeAssets.Linux.NoDependencies</c>, so no system package is needed):
/// accuracy against budget, mean thinking length against budget with y = x, and the distribution of L / b.
/// Budgets are drawn on a log2 axis, labelled with the budgets themselves. Methods evaluated without a budget
/// (mode <c>none</c>) appear as dashed horizontal lines. It draws; it computes no metric.
/// </summary>
public static class ReportPlots
{
    /// <summary>Width of every plot in pixels.</summary>
    public const int Width = 900;

    /// <summary>Height of every plot in pixels.</summary>
    public const int Height = 560;

    /// <summary>Bin width of the L / b histogram.</summary>
    public const double RatioBinWidth = 0.1;

    /// <summary>L / b at and above this value falls into the last bin.</summary>
    public const double RatioMax = 3.0;

    /// <summary>Horizontal offset between methods in the accuracy plot, in log2 units of budget.</summary>
    public const double DodgeWidth = 0.03;

    /// <summary>(a) Accuracy (%) against budget per method, with the 95% Wilson interval as error bars.</summary>
    public static void AccuracyVsBudget(EvalSummary summary, string path)
    {
        var plt = NewPlot($"{summary.Task}: accuracy vs thinking budget", "thinking budget b (tokens, log2 scale)", "accuracy (%) with 95% CI");
        int i = 0, budgeted = summary.Methods.Count(m => m.PerBudget.Any(r => r.Budget is not null));
        foreach (var m in summary.Methods)
        {
            var color = Colour(i++);
            var rows = m.PerBudget.Where(r => r.Budget is not null && r.Accuracy is not null).ToArray();
            if (rows.Length > 0)
            {
                // Dodge each method a little along x so that overlapping error bars stay readable.
                double dodge = DodgeWidth * ((i - 1) - (budgeted - 1) / 2.0);
                double[] xs = rows.Select(r => Math.Log2(r.Budget!.Value) + dodge).ToArray();
                double[] ys = rows.Select(r => 100 * r.Accuracy!.Value).ToArray();
                var bars = plt.Add.ErrorBar(xs, ys, rows.Select(_ => 0.0).ToArray());
                bars.YErrorNegative = rows.Select(r => 100 * (r.Accuracy!.Value - (r.AccuracyCi?.Low ?? r.Accuracy.Value))).ToArray();
                bars.YErrorPositive = rows.Select(r => 100 * ((r.AccuracyCi?.High ?? r.Accuracy!.Value) - r.Accuracy!.Value)).ToArray();
                bars.Color = color;
                bars.CapSize = 6;
                var line = plt.Add.Scatter(xs, ys, color);
                line.LegendText = m.Method;
                line.LineWidth = 2;
                line.MarkerSize = 8;
            }
            if (m.PerBudget.FirstOrDefault(r => r.Budget is null) is { Accuracy: { } acc })
                NoBudgetLine(plt, 100 * acc, color, $"{m.Method} (no budget)");
        }
        BudgetTicks(plt.Axes.Bottom, summary.Budgets);
        plt.Axes.SetLimitsY(0, 100);
        Save(plt, path, Alignment.UpperLeft);
    }

    /// <summary>(b) Mean thinking tokens against budget per method, both axes log2, with the line y = x (L = b).</summary>
    public static void ThinkingVsBudget(EvalSummary summary, string path)
    {
        var plt = NewPlot($"{summary.Task}: thinking length vs budget", "thinking budget b (tokens, log2 scale)", "mean thinking tokens L (log2 scale)");
        var budgets = summary.Budgets.Where(b => b > 0).ToArray();
        var lengths = summary.Methods.SelectMany(m => m.PerBudget).Select(r => r.MeanThinkingTokens).OfType<double>().Where(l => l > 0).ToArray();
        if (budgets.Length > 0)
        {
            double lo = Math.Log2(budgets.Min()), hi = Math.Log2(budgets.Max());
            var diag = plt.Add.ScatterLine(new[] { lo - 0.5, hi + 0.5 }, new[] { lo - 0.5, hi + 0.5 }, Colors.Gray);
            diag.LinePattern = LinePattern.Dashed;
            diag.LineWidth = 1.5f;
            diag.LegendText = "y = x (L = b)";
        }
        int i = 0;
        foreach (var m in summary.Methods)
        {
            var color = Colour(i++);
            var rows = m.PerBudget.Where(r => r.Budget is not null && r.MeanThinkingTokens is > 0).ToArray();
            if (rows.Length > 0)
            {
                var line = plt.Add.Scatter(rows.Select(r => Math.Log2(r.Budget!.Value)).ToArray(), rows.Select(r => Math.Log2(r.MeanThinkingTokens!.Value)).ToArray(), color);
                line.LegendText = m.Method;
                line.LineWidth = 2;
                line.MarkerSize = 8;
            }
            if (m.PerBudget.FirstOrDefault(r => r.Budget is null) is { MeanThinkingTokens: > 0 and var l })
                NoBudgetLine(plt, Math.Log2(l), color, $"{m.Method} (no budget)");
        }
        BudgetTicks(plt.Axes.Bottom, budgets);
        var all = budgets.Select(b => (double)b).Concat(lengths).ToArray();
        if (all.Length > 0) PowerOfTwoTicks(plt.Axes.Left, all.Min(), all.Max());
        Save(plt, path, Alignment.UpperLeft);
    }

    /// <summary>
    /// (d) The accuracy–compute frontier: accuracy (%) against mean thinking tokens actually spent (log2), one curve per
    /// method through its budgets in order; a method without a budget is a single point. Up and to the left is better.
    /// </summary>
    public static void AccuracyVsThinking(EvalSummary summary, string path)
    {
        var plt = NewPlot($"{summary.Task}: accuracy vs thinking tokens spent", "mean thinking tokens L (log2 scale)", "accuracy (%)");
        var lengths = new List<double>();
        int i = 0;
        foreach (var m in summary.Methods)
        {
            var color = Colour(i++);
            var rows = m.PerBudget.Where(r => r.Accuracy is not null && r.MeanThinkingTokens is > 0).OrderBy(r => r.Budget ?? 0).ToArray();
            if (rows.Length == 0) continue;
            lengths.AddRange(rows.Select(r => r.MeanThinkingTokens!.Value));
            var line = plt.Add.Scatter(rows.Select(r => Math.Log2(r.MeanThinkingTokens!.Value)).ToArray(), rows.Select(r => 100 * r.Accuracy!.Value).ToArray(), color);
            line.LegendText = m.Method;
            line.LineWidth = rows.Length > 1 ? 2 : 0;
            line.MarkerSize = 8;
        }
        if (lengths.Count > 0) PowerOfTwoTicks(plt.Axes.Bottom, lengths.Min(), lengths.Max());
        plt.Axes.SetLimitsY(0, 100);
        Save(plt, path, Alignment.UpperLeft);
    }

    /// <summary>
    /// RL training curves: reward, accuracy and budget fidelity of the sampled rollouts per step, one colour per run
    /// and one line pattern per quantity (reward solid, accuracy dashed, fidelity dotted).
    /// </summary>
    public static void RlCurves(IReadOnlyList<(string Run, IReadOnlyList<IReadOnlyDictionary<string, double>> Steps)> runs, string path)
    {
        var plt = NewPlot("RL: rollout reward, accuracy and fidelity per step", "RL step", "mean over the step's rollouts");
        (string Key, LinePattern Pattern)[] series = [("reward_mean", LinePattern.Solid), ("accuracy", LinePattern.Dashed), ("fidelity_mean", LinePattern.Dotted)];
        int i = 0;
        foreach (var (run, steps) in runs)
        {
            var color = Colour(i++);
            foreach (var (key, pattern) in series)
            {
                var points = steps.Select((m, k) => (X: m.TryGetValue("step", out var st) ? st : k + 1, Y: m.TryGetValue(key, out var v) ? v : double.NaN))
                    .Where(p => double.IsFinite(p.Y)).ToArray();
                if (points.Length == 0) continue;
                var line = plt.Add.ScatterLine(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray(), color);
                line.LinePattern = pattern;
                line.LineWidth = 2;
                line.LegendText = $"{run}: {key.Replace("_mean", "")}";
            }
        }
        plt.Axes.SetLimitsY(0, 1.05);
        Save(plt, path, Alignment.LowerRight);
    }

    /// <summary>
    /// (c) Distribution of L / b per method over all its budgeted samples: the fraction of samples in each bin of
    /// width <see cref="RatioBinWidth"/>, drawn as a line per method; a vertical line marks L = b.
    /// </summary>
    public static void LengthRatioDistribution(string task, IReadOnlyList<EvalSample> samples, string path)
    {
        var plt = NewPlot($"{task}: distribution of thinking length / budget", "L / b (thinking tokens / budget; bins of 0.1, last bin: > 3)", "fraction of samples");
        int bins = (int)Math.Round(RatioMax / RatioBinWidth) + 1;
        var methods = samples.Where(s => s.Budget is > 0).GroupBy(s => s.Method)
            .OrderBy(g => EvalMethods.Order(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal);
        var allMethods = samples.Select(s => s.Method).Distinct()
            .OrderBy(EvalMethods.Order).ThenBy(m => m, StringComparer.Ordinal).ToList();
        foreach (var g in methods)
        {
            double[] counts = new double[bins];
            foreach (var s in g) counts[RatioBin((double)s.ThinkingTokens / s.Budget!.Value, bins)]++;
            int n = g.Count();
            // Steps over the bin edges: point k at the left edge of bin k, one more at the right edge of the last bin.
            double[] xs = Enumerable.Range(0, bins + 1).Select(k => k * RatioBinWidth).ToArray();
            double[] ys = Enumerable.Range(0, bins + 1).Select(k => counts[Math.Min(k, bins - 1)] / n).ToArray();
            var line = plt.Add.ScatterLine(xs, ys, Colour(allMethods.IndexOf(g.Key)));
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.LineWidth = 2;
            line.LegendText = $"{g.Key} (n = {n})";
        }
        var budgetLine = plt.Add.VerticalLine(1.0, 1.5f, Colors.Gray, LinePattern.Dashed);
        budgetLine.LegendText = "L = b";
        plt.Axes.SetLimitsX(0, RatioMax + RatioBinWidth);
        plt.Axes.Margins(bottom: 0);
        Save(plt, path, Alignment.UpperRight);
    }

    /// <summary>
    /// The histogram bin of a ratio r = L / b: bins are (k·w, (k+1)·w] so that L = b falls in the bin that ends at 1
    /// (on budget, not over); r = 0 is in bin 0 and r above <see cref="RatioMax"/> in the last bin.
    /// </summary>
    public static int RatioBin(double ratio, int bins)
    {
        int k = (int)Math.Ceiling(ratio / RatioBinWidth - 1e-9) - 1;
        return Math.Clamp(k, 0, bins - 1);
    }

    /// <summary>DejaVu Sans where installed (ScottPlot's own "sans" resolves to a serif face on Debian), else ScottPlot's default.</summary>
    static readonly string FontName =
        SkiaSharp.SKFontManager.Default.FontFamilies.Contains("DejaVu Sans") ? "DejaVu Sans" : Fonts.Sans;

    static Plot NewPlot(string title, string x, string y)
    {
        var plt = new Plot();
        plt.Font.Set(FontName);
        plt.Title(title);
        plt.XLabel(x);
        plt.YLabel(y);
        return plt;
    }

    static void NoBudgetLine(Plot plt, double y, Color color, string label)
    {
        var h = plt.Add.HorizontalLine(y, 1.5f, color, LinePattern.Dashed);
        h.LegendText = label;
    }

    /// <summary>Ticks at log2(b) labelled b.</summary>
    static void BudgetTicks(IAxis axis, IEnumerable<int> budgets)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (int b in budgets.Where(b => b > 0).Distinct().Order()) ticks.AddMajor(Math.Log2(b), b.ToString(System.Globalization.CultureInfo.InvariantCulture));
        axis.TickGenerator = ticks;
    }

    /// <summary>Ticks at the powers of two between min and max, on a log2 axis.</summary>
    static void PowerOfTwoTicks(IAxis axis, double min, double max)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int e = (int)Math.Floor(Math.Log2(min)); e <= (int)Math.Ceiling(Math.Log2(max)); e++)
            ticks.AddMajor(e, Math.Pow(2, e).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture));
        axis.TickGenerator = ticks;
    }

    static Color Colour(int i) => new ScottPlot.Palettes.Category10().GetColor(i);

    static void Save(Plot plt, string path, Alignment legend)
    {
        plt.ShowLegend(legend);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        plt.SavePng(path, Width, Height);
    }
}
