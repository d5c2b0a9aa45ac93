namespace Bard.Eval;

/// <summary>
/// The registry of <see cref="Benchmark"/>s: command-line names, answer kinds and the default file of each
/// inside a benchmark data folder (see <see cref="BenchmarkDataDirectory"/>).
/// </summary>
public static class Benchmarks
{
    /// <summary>Every benchmark, in the order help texts list them.</summary>
    public static IReadOnlyList<Benchmark> All { get; } = Enum.GetValues<Benchmark>();

    /// <summary>The command-line name: <c>gsm8k</c>, <c>math500</c>, <c>aime24</c>, <c>aime25</c>, <c>gpqa</c>, <c>jsonl</c>.</summary>
    public static string Name(Benchmark benchmark) => benchmark switch
    {
        Benchmark.Gsm8k => "gsm8k",
        Benchmark.Math500 => "math500",
        Benchmark.Aime24 => "aime24",
        Benchmark.Aime25 => "aime25",
        Benchmark.Gpqa => "gpqa",
        Benchmark.Jsonl => "jsonl",
        _ => throw new ArgumentOutOfRangeException(nameof(benchmark), benchmark, null),
    };

    /// <summary>Parses a command-line name (case-insensitive); the error lists the valid names.</summary>
    public static Benchmark Parse(string name)
    {
        foreach (var b in All)
            if (string.Equals(Name(b), name?.Trim(), StringComparison.OrdinalIgnoreCase)) return b;
        throw new BardException($"--benchmark: unknown benchmark '{name}'. Use one of: {string.Join(", ", All.Select(Name))}.");
    }

    /// <summary>How answers of this benchmark are checked. <see cref="Benchmark.Jsonl"/> is math unless the caller says otherwise.</summary>
    public static AnswerKind AnswerKind(Benchmark benchmark) =>
        benchmark == Benchmark.Gpqa ? Bard.Eval.AnswerKind.Choice : Bard.Eval.AnswerKind.Math;

    /// <summary>
    /// The file of the benchmark relative to a data folder (<c>gsm8k/test.jsonl</c>, …); null for
    /// <see cref="Benchmark.Jsonl"/>, which always needs an explicit file. GPQA's CSV is not shipped (its authors
    /// ask that items not be published): users put <c>gpqa/gpqa_diamond.csv</c> in their data folder or pass the file.
    /// </summary>
    public static string? DefaultRelativePath(Benchmark benchmark) => benchmark switch
    {
        Benchmark.Gsm8k => Path.Combine("gsm8k", "test.jsonl"),
        Benchmark.Math500 => Path.Combine("math500", "test.jsonl"),
        Benchmark.Aime24 => Path.Combine("aime24", "test.jsonl"),
        Benchmark.Aime25 => Path.Combine("aime25", "aime25.normalized.jsonl"),
        Benchmark.Gpqa => Path.Combine("gpqa", "gpqa_diamond.csv"),
        Benchmark.Jsonl => null,
        _ => throw new ArgumentOutOfRangeException(nameof(benchmark), benchmark, null),
    };
}
