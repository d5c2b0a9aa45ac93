namespace Bard.Eval;

/// <summary>What to load for <c>bard eval</c>: a benchmark, where its data lies, and how to read it.</summary>
public sealed record BenchmarkLoadOptions
{
    /// <summary>The benchmark (<c>--benchmark</c>).</summary>
    public required Benchmark Benchmark { get; init; }

    /// <summary>
    /// The benchmark data folder (<c>--data</c>); null: looked up as <see cref="BenchmarkDataDirectory"/> says.
    /// Ignored when <see cref="File"/> is set.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>An explicit file to read instead of the benchmark's default file; required for <see cref="Benchmark.Jsonl"/>. Default null.</summary>
    public string? File { get; init; }

    /// <summary>Field mapping for <see cref="Benchmark.Jsonl"/>; ignored otherwise. Default: question / answer / id.</summary>
    public JsonlFieldMapping Fields { get; init; } = new();

    /// <summary>Seed of the GPQA option shuffle (each record is shuffled with this seed and its Record ID). Default 0.</summary>
    public int ShuffleSeed { get; init; }

    /// <summary>Keep only the first N problems (after loading, in file order); null: all. Default null.</summary>
    public int? Limit { get; init; }
}
