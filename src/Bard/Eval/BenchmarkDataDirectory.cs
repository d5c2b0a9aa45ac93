namespace Bard.Eval;

/// <summary>
/// Finds the folder that holds the benchmark files. Lookup order:
/// <list type="number">
/// <item>the folder the user passed (<c>--data DIR</c>);</item>
/// <item>else the environment variable <c>BARD_DATA</c>;</item>
/// <item>else <c>data/benchmarks</c> in the current directory or the nearest of its parents that has one
/// (so a clone of the repository finds its shipped copy from any subfolder);</item>
/// <item>else the same search upwards from the folder of the executable.</item>
/// </list>
/// It only finds folders; it reads no file.
/// </summary>
public static class BenchmarkDataDirectory
{
    /// <summary>Name of the environment variable consulted when no folder is passed.</summary>
    public const string EnvironmentVariable = "BARD_DATA";

    /// <summary>The folder searched for in the current directory and its parents.</summary>
    public static readonly string RelativeFolder = Path.Combine("data", "benchmarks");

    /// <summary>Resolves with the process's environment, current directory and executable folder.</summary>
    public static string Resolve(string? explicitDirectory) =>
        Resolve(explicitDirectory, Environment.GetEnvironmentVariable(EnvironmentVariable),
            [Directory.GetCurrentDirectory(), AppContext.BaseDirectory]);

    /// <summary>
    /// Resolves from explicit inputs (for tests): <paramref name="explicitDirectory"/>, else <paramref name="environmentValue"/>,
    /// else the first of <paramref name="searchStarts"/> that has <c>data/benchmarks</c> in itself or a parent.
    /// </summary>
    public static string Resolve(string? explicitDirectory, string? environmentValue, IReadOnlyList<string> searchStarts)
    {
        if (!string.IsNullOrWhiteSpace(explicitDirectory))
            return Existing(explicitDirectory, "--data");
        if (!string.IsNullOrWhiteSpace(environmentValue))
            return Existing(environmentValue, EnvironmentVariable);
        foreach (var start in searchStarts)
        {
            for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, RelativeFolder);
                if (Directory.Exists(candidate)) return candidate;
            }
        }
        throw new BardException(
            $"No benchmark data folder found: no --data, no {EnvironmentVariable}, and no {RelativeFolder} in "
            + $"{string.Join(" or ", searchStarts)} or their parents. Pass --data DIR (the folder holding gsm8k/, math500/, …), "
            + $"set {EnvironmentVariable}, or run from inside a clone of the repository.");
    }

    static string Existing(string dir, string origin)
    {
        if (!Directory.Exists(dir))
            throw new BardException($"{origin}: benchmark data folder '{dir}' does not exist. Pass the folder that holds gsm8k/, math500/, aime24/, ….");
        return Path.GetFullPath(dir);
    }
}
