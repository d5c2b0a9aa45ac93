using System.Diagnostics;

namespace Bard.Training;

/// <summary>
/// A live progress line for long runs: step, loss, tokens/s and ETA. On a terminal it redraws one line;
/// when the output is redirected it writes a plain line every <see cref="quietInterval"/>.
/// </summary>
public sealed class ProgressBar(TextWriter output, string label, int total, bool interactive)
{
    readonly Stopwatch clock = Stopwatch.StartNew();
    readonly TimeSpan quietInterval = TimeSpan.FromSeconds(10);
    TimeSpan? lastPrint;
    int firstStep = -1;

    /// <summary>A progress bar on stderr, redrawn in place when stderr is a terminal.</summary>
    public static ProgressBar ForStderr(string label, int total) =>
        new(Console.Error, label, total, !Console.IsErrorRedirected);

    public void Report(int done, string details)
    {
        if (firstStep < 0) { firstStep = done - 1; clock.Restart(); }
        var elapsed = clock.Elapsed;
        bool last = done >= total;
        if (!interactive && !last && lastPrint is { } before && elapsed - before < quietInterval) return;
        lastPrint = elapsed;
        double rate = (done - firstStep) / Math.Max(elapsed.TotalSeconds, 1e-9);
        var eta = rate > 0 ? TimeSpan.FromSeconds((total - done) / rate) : TimeSpan.Zero;
        int width = 24, filled = total > 0 ? (int)Math.Round(width * (double)done / total) : width;
        string bar = new string('#', filled) + new string('.', width - filled);
        string line = $"{label} [{bar}] {done}/{total} {details} | {elapsed:mm\\:ss} elapsed, ETA {eta:mm\\:ss}";
        if (interactive) output.Write("\r" + line + (last ? "\n" : ""));
        else output.WriteLine(line);
        output.Flush();
    }
}
