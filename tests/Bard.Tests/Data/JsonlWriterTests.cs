using Bard.Data;

namespace Bard.Tests.Data;

public class JsonlWriterTests
{
    static Problem P(string id) => new(id, $"question {id}", "1") { Source = "test", Choices = ["a", "b"] };

    [Fact]
    public void Records_WrittenThenRead_RoundTripEveryFormat()
    {
        using var dir = new TempDir();
        var problem = P("p1");
        var trace = new TeacherTrace("p1", "think \"quoted\"\nline ü", "1", "t/1", null) { ThinkingTokens = 7 };
        var sample = new BudgetedSample("p1", 16, "1 2.", "2", 4, "c/1", true);
        Assert.Equal(problem.Id, RoundTrip(dir.File("p.jsonl"), ProblemFormat.Instance, problem).Id);
        Assert.Equal(["a", "b"], RoundTrip(dir.File("p2.jsonl"), ProblemFormat.Instance, problem).Choices!);
        Assert.Equal(trace, RoundTrip(dir.File("t.jsonl"), TeacherTraceFormat.Instance, trace));
        Assert.Equal(sample, RoundTrip(dir.File("s.jsonl"), BudgetedSampleFormat.Instance, sample));
    }

    static T RoundTrip<T>(string path, IRecordFormat<T> format, T record)
    {
        using (var w = JsonlWriter<T>.Open(path, format)) Assert.True(w.TryAppend(record));
        return Assert.Single(JsonlReader.Read(path, format).Records);
    }

    [Fact]
    public void Open_ExistingFile_SkipsKeysAlreadyThereAndAppendsNewOnes()
    {
        using var dir = new TempDir();
        string path = dir.File("p.jsonl");
        using (var w = JsonlWriter<Problem>.Open(path, ProblemFormat.Instance))
        {
            Assert.True(w.TryAppend(P("a")));
            Assert.True(w.TryAppend(P("b")));
            Assert.False(w.TryAppend(P("a")));
        }
        using (var w = JsonlWriter<Problem>.Open(path, ProblemFormat.Instance))
        {
            Assert.Equal(2, w.ExistingCount);
            Assert.False(w.TryAppend(P("b")));
            Assert.True(w.TryAppend(P("c")));
            Assert.Equal(1, w.AppendedCount);
        }
        Assert.Equal(["a", "b", "c"], JsonlReader.Read(path, ProblemFormat.Instance).Records.Select(p => p.Id));
    }

    [Fact]
    public void Open_FileWithInterruptedLastLine_CutsItAndResumes()
    {
        using var dir = new TempDir();
        string path = dir.File("p.jsonl");
        using (var w = JsonlWriter<Problem>.Open(path, ProblemFormat.Instance)) w.TryAppend(P("a"));
        File.AppendAllText(path, """{"schema_version":1,"id":"b","quest""");
        var warnings = new List<string>();
        using (var w = JsonlWriter<Problem>.Open(path, ProblemFormat.Instance, warnings.Add))
        {
            Assert.True(w.RepairedPartialLine);
            Assert.Equal(1, w.ExistingCount);
            Assert.True(w.TryAppend(P("b")));
        }
        Assert.Equal(["a", "b"], JsonlReader.Read(path, ProblemFormat.Instance).Records.Select(p => p.Id));
        // Reported, and the cut bytes kept beside the file.
        var warning = Assert.Single(warnings);
        Assert.Contains(path, warning);
        Assert.Contains("interrupted write", warning);
        Assert.Equal("{\"schema_version\":1,\"id\":\"b\",\"quest\n", File.ReadAllText(path + ".torn"));
    }

    [Fact]
    public void Open_CompleteLastRecordWithoutNewline_KeepsItAndAppendsAfterIt()
    {
        // A hand-made file whose editor dropped the final newline: its last record is whole, not torn.
        using var dir = new TempDir();
        string path = dir.File("p.jsonl");
        File.WriteAllText(path, string.Join("\n", new[] { "a", "b", "c" }.Select(id => $$"""{"schema_version":1,"id":"{{id}}","question":"q {{id}}","answer":"1"}""")));
        var warnings = new List<string>();
        using (var w = JsonlWriter<Problem>.Open(path, ProblemFormat.Instance, warnings.Add))
        {
            Assert.False(w.RepairedPartialLine);
            Assert.Equal(3, w.ExistingCount);
            Assert.True(w.TryAppend(P("d")));
        }
        Assert.Empty(warnings);
        Assert.False(File.Exists(path + ".torn"));
        Assert.Equal(["a", "b", "c", "d"], JsonlReader.Read(path, ProblemFormat.Instance).Records.Select(p => p.Id));
    }

    [Fact]
    public void TryAppend_SameProblemAtTwoBudgets_KeepsBoth()
    {
        using var dir = new TempDir();
        using var w = JsonlWriter<BudgetedSample>.Open(dir.File("s.jsonl"), BudgetedSampleFormat.Instance);
        Assert.True(w.TryAppend(new BudgetedSample("p", 8, "x", "1", 1, "c", true)));
        Assert.True(w.TryAppend(new BudgetedSample("p", 16, "x", "1", 1, "c", true)));
        Assert.False(w.TryAppend(new BudgetedSample("p", 8, "y", "1", 1, "c", true)));
    }
}
