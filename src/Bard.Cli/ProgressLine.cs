using System.Diagnostics;

namespace Bard.Cli;

/// <summary>
/// A progress line on stderr for long runs: count, rate and ETA, rewritten in place at most twice a second.
/// Off unless stderr is the console and not redirected (tests and logs get only the final summary).
/// </summary>
public sealed class ProgressLine
{
    readonly TextWriter _stderr;
    readonly string _label;
    readonly int? _total;
    readonly bool _enabled;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    TimeSpan _last = TimeSpan.MinValue;

    public ProgressLine(TextWriter stderr, string label, int? total)
    {
        _stderr = stderr;
        _label = label;
        _total = total;
        _enabled = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
    }

    public void Report(int done, bool force = false)
    {
        if (!_enabled) return;
        var now = _clock.Elapsed;
        if (!force && now - _last < TimeSpan.FromSeconds(0.5)) return;
        _last = now;
        double rate = done / Math.Max(now.TotalSeconds, 1e-9);
        string eta = _total is { } t && rate > 0 && done < t ? $", ETA {TimeSpan.FromSeconds((t - done) / rate):mm\\:ss}" : "";
        string of = _total is { } total ? $"/{total}" : "";
        _stderr.Write($"\r{_label}: {done}{of} ({rate:F0}/s{eta})   ");
    }

    public void Done(int done)
    {
        if (!_enabled) return;
        Report(done, force: true);
        _stderr.WriteLine();
    }
}
