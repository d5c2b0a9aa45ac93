using System.Runtime.InteropServices;

namespace Bard.Cli;

/// <summary>What the server commands share: blocking until Ctrl-C (SIGINT, via the CLI's cancellation token) or SIGTERM.</summary>
internal static class ServerLifetime
{
    /// <summary>Blocks until <paramref name="cancel"/> fires or the process gets SIGTERM.</summary>
    public static void WaitForShutdown(CancellationToken cancel)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var quit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, c => { c.Cancel = true; stop.Cancel(); });
        stop.Token.WaitHandle.WaitOne();
    }

    /// <summary>The API key from <c>--api-key</c> or the variable named by <c>--api-key-env</c>; null for an open server.</summary>
    public static string? ApiKey(ParsedOptions o)
    {
        if (o.String("--api-key") is { } key) return key;
        if (o.String("--api-key-env") is not { } name) return null;
        return Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v
            : throw new UsageException($"--api-key-env: the environment variable {name} is not set or empty.");
    }

    /// <summary>A positive number of seconds from <paramref name="option"/>, at most a timer's range (about 49 days); a usage error otherwise.</summary>
    public static TimeSpan Seconds(ParsedOptions o, string option)
    {
        double s = o.Double(option);
        double most = Math.Floor(uint.MaxValue / 1000.0 - 1);
        return double.IsFinite(s) && s > 0 && s <= most ? TimeSpan.FromSeconds(s)
            : throw new UsageException($"{option} must be a positive number of seconds, at most {most:F0} (about 49 days), got {s}.");
    }
}
