using Bard.Eval;

namespace Bard.Tests.Eval;

public class BenchmarkDataDirectoryTests
{
    [Fact]
    public void Resolve_ExplicitWinsOverEnvironmentAndSearch()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        Assert.Equal(Path.GetFullPath(a.Path), BenchmarkDataDirectory.Resolve(a.Path, b.Path, [b.Path]));
        Assert.Equal(Path.GetFullPath(b.Path), BenchmarkDataDirectory.Resolve(null, b.Path, [a.Path]));
    }

    [Fact]
    public void Resolve_SearchFindsDataBenchmarksInAParent()
    {
        using var root = new TempDir();
        string data = Directory.CreateDirectory(Path.Combine(root.Path, "data", "benchmarks")).FullName;
        string deep = Directory.CreateDirectory(Path.Combine(root.Path, "src", "x", "y")).FullName;
        Assert.Equal(data, BenchmarkDataDirectory.Resolve(null, null, [deep]));
    }

    [Fact]
    public void Resolve_ExplicitMissing_NamesOption()
    {
        var e = Assert.Throws<BardException>(() => BenchmarkDataDirectory.Resolve("/no/such/dir", null, []));
        Assert.Contains("--data", e.Message);
        Assert.Contains("/no/such/dir", e.Message);
    }

    [Fact]
    public void Resolve_NothingFound_ExplainsLookup()
    {
        using var empty = new TempDir();
        // A temp dir has no data/benchmarks above it (unless the machine has /tmp/../data/benchmarks, which it should not).
        var e = Assert.Throws<BardException>(() => BenchmarkDataDirectory.Resolve(null, "", [empty.Path]));
        Assert.Contains("BARD_DATA", e.Message);
        Assert.Contains("--data", e.Message);
    }

    [Fact]
    public void ShippedData_FoundFromTestFolder_HasEveryDefaultFile()
    {
        // The repository ships gsm8k, math500, aime24, aime25 under data/benchmarks; the test binary lives below the repo root.
        string dir = BenchmarkDataDirectory.Resolve(null, null, [AppContext.BaseDirectory]);
        foreach (var b in new[] { Benchmark.Gsm8k, Benchmark.Math500, Benchmark.Aime24, Benchmark.Aime25 })
            Assert.True(File.Exists(Path.Combine(dir, Benchmarks.DefaultRelativePath(b)!)), $"{b} missing in {dir}");
        var gsm8k = BenchmarkLoader.Load(new BenchmarkLoadOptions { Benchmark = Benchmark.Gsm8k, DataDirectory = dir });
        Assert.Equal(1319, gsm8k.Problems.Count);
    }
}
