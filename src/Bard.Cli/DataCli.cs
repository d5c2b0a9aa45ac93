using Bard.Data;

namespace Bard.Cli;

/// <summary>What the data commands share: reading a JSONL file under <c>--skip-bad</c> and saying what was skipped.</summary>
internal static class DataCli
{
    public static IReadOnlyList<T> Read<T>(string path, IRecordFormat<T> format, ParsedOptions options, TextWriter stderr)
    {
        var policy = options.Flag("--skip-bad") ? BadRecordPolicy.Skip : BadRecordPolicy.Stop;
        var result = JsonlReader.Read(path, format, policy);
        ReportSkipped(result.Skipped, result.SkipMessages, stderr);
        return result.Records;
    }

    public static void ReportSkipped(int skipped, IReadOnlyList<string> messages, TextWriter stderr)
    {
        if (skipped == 0) return;
        stderr.WriteLine($"skipped {skipped} bad line(s):");
        foreach (var m in messages) stderr.WriteLine($"  {m}");
        if (skipped > messages.Count) stderr.WriteLine($"  … and {skipped - messages.Count} more");
    }
}
