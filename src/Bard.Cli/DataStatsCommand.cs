using System.Globalization;
using System.Text.Json;
using Bard.Data;

namespace Bard.Cli;

/// <summary><c>bard data stats</c>: per-budget counts and length statistics of budgeted samples.</summary>
public sealed class DataStatsCommand : CliCommand
{
    public override string Name => "data stats";
    public override string Summary => "Per-budget counts, thinking-length mean/spread, |L-b|/b and a length histogram.";
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--in", "Budgeted samples file.") { Required = true, ValueName = "FILE" },
        new("--json", "Print JSON instead of a table.") { IsFlag = true },
        new("--skip-bad", "Skip and count bad lines instead of stopping at the first.") { IsFlag = true },
    ];

    public override int Run(ParsedOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var samples = DataCli.Read(options.RequiredString("--in"), BudgetedSampleFormat.Instance, options, stderr);
        var stats = SampleStatistics.Compute(samples.ToArray());
        if (options.Flag("--json")) stdout.WriteLine(Json(stats));
        else stdout.Write(Table(stats));
        return 0;
    }

    static string Table(SampleStatistics s)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new System.Text.StringBuilder();
        sb.AppendLine(c, $"{s.Count} samples of {s.Problems} problems, {s.Accepted} accepted; mean |L-b|/b {s.MeanRelativeError:F4} (accepted {s.MeanRelativeErrorAccepted:F4})");
        sb.AppendLine("budget    count  accepted  mean L   std L   min   max  |L-b|/b  (accepted)");
        foreach (var r in s.PerBudget)
            sb.AppendLine(c, $"{r.Budget,6} {r.Count,8} {r.Accepted,9} {r.MeanTokens,7:F1} {r.StdTokens,7:F1} {r.MinTokens,5} {r.MaxTokens,5} {r.MeanRelativeError,8:F4} {r.MeanRelativeErrorAccepted,11:F4}");
        sb.AppendLine("thinking length histogram:");
        int max = s.Histogram.Count == 0 ? 1 : Math.Max(1, s.Histogram.Max(h => h.Count));
        foreach (var (low, high, count) in s.Histogram)
            sb.AppendLine(c, $"{(low == high ? $"{low}" : $"{low}-{high}"),10} {count,8} {new string('#', (int)Math.Ceiling(40.0 * count / max))}");
        return sb.ToString();
    }

    static string Json(SampleStatistics s) => JsonSerializer.Serialize(new
    {
        count = s.Count,
        accepted = s.Accepted,
        problems = s.Problems,
        mean_relative_error = Finite(s.MeanRelativeError),
        mean_relative_error_accepted = Finite(s.MeanRelativeErrorAccepted),
        per_budget = s.PerBudget.Select(r => new
        {
            budget = r.Budget, count = r.Count, accepted = r.Accepted, mean_tokens = r.MeanTokens, std_tokens = r.StdTokens,
            min_tokens = r.MinTokens, max_tokens = r.MaxTokens,
            mean_relative_error = Finite(r.MeanRelativeError), mean_relative_error_accepted = Finite(r.MeanRelativeErrorAccepted),
        }),
        histogram = s.Histogram.Select(h => new { low = h.Low, high = h.High, count = h.Count }),
    }, new JsonSerializerOptions { WriteIndented = true });

    static double? Finite(double x) => double.IsFinite(x) ? x : null;
}
