using System.Text.RegularExpressions;
using Bard.Cli;

namespace Bard.Tests.Cli;

/// <summary>The CLI never prints a stack trace: every exception becomes an exit code and one line that says what to do.</summary>
public class ErrorGuardTests
{
    static (int Code, string Err) Guard(Func<int> body)
    {
        var stderr = new StringWriter();
        int code = Program.Guarded("sft", body, stderr);
        return (code, stderr.ToString());
    }

    [Fact]
    public void UnexpectedException_IsAnInternalErrorLineWithExit70()
    {
        var (code, err) = Guard(() => throw new InvalidOperationException("Sequence contains no elements\n   at Foo.Bar()"));
        Assert.Equal(70, code);
        Assert.StartsWith("bard sft: internal error: InvalidOperationException: Sequence contains no elements. This is a bug in Bard", err);
        Assert.DoesNotContain("at Foo.Bar", err);
        Assert.Single(err.TrimEnd().Split('\n'));
    }

    [Fact]
    public void FullDisk_SaysWhatIsIntactAndHowToResume()
    {
        var (code, err) = Guard(() => throw new IOException("No space left on device : '/data/run/checkpoint-40/model.safetensors'", 28));
        Assert.Equal(1, code);
        Assert.Contains("the disk is full", err);
        Assert.Contains("/data/run/checkpoint-40/model.safetensors", err);
        Assert.Contains("--resume", err);
        Assert.Contains("eval writes its outputs at the end and starts over", err); // eval does not append: no false promise
    }

    [Fact]
    public void FullDisk_InSftWithAnOut_NamesTheLastCompleteCheckpointAndTheSpaceLeft()
    {
        using var dir = new TempDir();
        foreach (string complete in new[] { "checkpoint-20", "checkpoint-100" })
        {
            Directory.CreateDirectory(Path.Combine(dir.Path, complete));
            File.WriteAllText(Path.Combine(dir.Path, complete, Bard.Training.TrainerState.FileName), "{}"); // what makes a checkpoint complete
        }
        Directory.CreateDirectory(Path.Combine(dir.Path, "checkpoint-120.tmp")); // the one the full disk interrupted
        var err = new StringWriter();
        int code = Program.Guarded("sft", () => throw new IOException("No space left on device", 28), err, () => dir.Path);
        Assert.Equal(1, code);
        Assert.Contains($"The last complete checkpoint is {Path.Combine(dir.Path, "checkpoint-100")}.", err.ToString());
        Assert.Matches($@"\d+ MB are free on the disk of {Regex.Escape(dir.Path)}\.", err.ToString());
        var empty = new StringWriter();
        using var fresh = new TempDir();
        Program.Guarded("rl", () => throw new IOException("No space left on device", 28), empty, () => fresh.Path);
        Assert.Contains("no complete checkpoint", empty.ToString());
    }

    [Fact]
    public void OtherIoErrorsAndBardErrors_KeepTheirMeaning()
    {
        Assert.Equal(70, Guard(() => throw new IOException("Directory not empty", 39)).Code);
        var (code, err) = Guard(() => throw new BardException("data.jsonl:3: missing field 'id'."));
        Assert.Equal(1, code);
        Assert.Equal("bard sft: error: data.jsonl:3: missing field 'id'.", err.TrimEnd());
        Assert.Equal(130, Guard(() => throw new OperationCanceledException()).Code);
        Assert.Equal(2, Guard(() => throw new UsageException("bard sft: --out is required.")).Code);
    }

    [Theory]
    [InlineData("compress")]
    [InlineData("data build")]
    [InlineData("eval")]
    public void DuplicateProblemIds_AreRefusedNamingTheFileAndTheId(string command)
    {
        using var dir = new TempDir();
        string problems = dir.File("problems.jsonl"), traces = dir.File("traces.jsonl"), samples = dir.File("samples.jsonl");
        Assert.Equal(0, Program.Run(["data", "synth", "--count", "3", "--out", problems], TextWriter.Null, TextWriter.Null));
        Assert.Equal(0, Program.Run(["teach", "--problems", problems, "--out", traces], TextWriter.Null, TextWriter.Null));
        Assert.Equal(0, Program.Run(["compress", "--traces", traces, "--budgets", "8,16", "--out", samples], TextWriter.Null, TextWriter.Null));
        File.AppendAllText(problems, File.ReadLines(problems).First() + "\n");
        string[] args = command switch
        {
            "compress" => ["compress", "--traces", traces, "--problems", problems, "--budgets", "8", "--out", dir.File("more.jsonl")],
            "data build" => ["data", "build", "--samples", samples, "--out", dir.File("ds"), "--export", "chat", "--problems", problems],
            _ => ["eval", "--model", dir.Path, "--problems", problems, "--out", dir.File("ev")],
        };
        var stderr = new StringWriter();
        int code = Program.Run(args, TextWriter.Null, stderr);
        Assert.True(code == 1, $"exit {code}: {stderr}");
        Assert.Contains(problems, stderr.ToString());
        Assert.Contains("appears more than once", stderr.ToString());
    }

    [Theory]
    [InlineData("empty file", "no problems in the file")]
    [InlineData("--count", "--count must be at least 1")]
    [InlineData("--limit", "--limit must be at least 1")]
    public void Eval_NothingToEvaluate_IsAnErrorNamingTheFileOrOption(string what, string expected)
    {
        // It used to be "0 problems", an empty report and exit 0.
        using var dir = new TempDir();
        string empty = dir.File("problems.jsonl");
        File.WriteAllText(empty, "\n\n");
        string[] extra = what switch { "empty file" => ["--problems", empty], "--count" => ["--count", "0"], _ => ["--limit", "0"] };
        var stderr = new StringWriter();
        int code = Program.Run(["eval", "--model", dir.Path, "--out", dir.File("ev"), .. extra], TextWriter.Null, stderr);
        Assert.True(code == 1, $"exit {code}: {stderr}");
        Assert.Contains(expected, stderr.ToString());
        if (what == "empty file") Assert.Contains(empty, stderr.ToString());
        Assert.False(Directory.Exists(dir.File("ev")));
    }
}
