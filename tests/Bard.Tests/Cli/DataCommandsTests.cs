using System.Text.Json;
using Bard.Cli;
using Bard.Data;
using Bard.Data.Tasks;
using Bard.Tests.Data;

namespace Bard.Tests.Cli;

public class DataCommandsTests
{
    static (int Code, string Out, string Err) Bard(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    static (int Code, string Out, string Err) RunCommand(CliCommand command, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = command.Run(command.Parse(args), stdout, stderr, default);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The embedded task's data pipeline into <paramref name="dir"/>: problems.jsonl, traces.jsonl, samples.jsonl; returns compress's stdout.</summary>
    static (string Problems, string Samples, string CompressOut) SynthTeachCompress(TempDir dir, int count, int seed, string budgets)
    {
        string problems = dir.File("problems.jsonl"), traces = dir.File("traces.jsonl"), samples = dir.File("samples.jsonl");
        Assert.Equal(0, Bard("data", "synth", "--count", count.ToString(), "--seed", seed.ToString(), "--out", problems).Code);
        Assert.Equal(0, Bard("teach", "--problems", problems, "--out", traces).Code);
        var compress = Bard("compress", "--traces", traces, "--budgets", budgets, "--out", samples);
        Assert.Equal(0, compress.Code);
        return (problems, samples, compress.Out);
    }

    [Fact]
    public void Pipeline_SynthTeachCompressBuildStats_ProducesSplitChatAndStats()
    {
        using var dir = new TempDir();
        string ds = dir.File("ds");
        var (problems, samples, compressed) = SynthTeachCompress(dir, count: 50, seed: 4, budgets: "4,8,16,32,64");
        Assert.Contains("wrote 250 samples", compressed);
        Assert.Equal(0, Bard("data", "build", "--samples", samples, "--out", ds, "--val-fraction", "0.2", "--export", "chat", "--problems", problems).Code);

        var train = JsonlReader.Read(Path.Combine(ds, "train.jsonl"), BudgetedSampleFormat.Instance).Records;
        var validation = JsonlReader.Read(Path.Combine(ds, "validation.jsonl"), BudgetedSampleFormat.Instance).Records;
        Assert.Equal(40 * 5, train.Count);
        Assert.Equal(10 * 5, validation.Count);
        Assert.Empty(train.Select(s => s.ProblemId).Intersect(validation.Select(s => s.ProblemId)));
        var chat = File.ReadAllLines(Path.Combine(ds, "chat", "train.jsonl"));
        Assert.Equal(train.Count, chat.Length);
        using (var first = JsonDocument.Parse(chat[0]))
        {
            var messages = first.RootElement.GetProperty("messages");
            Assert.Contains($"Thinking budget: {train[0].Budget} tokens.", messages[0].GetProperty("content").GetString());
            Assert.StartsWith("<think>\n", messages[1].GetProperty("content").GetString());
        }

        var stats = Bard("data", "stats", "--in", samples, "--json");
        Assert.Equal(0, stats.Code);
        using var json = JsonDocument.Parse(stats.Out);
        Assert.Equal(250, json.RootElement.GetProperty("count").GetInt32());
        Assert.Equal(5, json.RootElement.GetProperty("per_budget").GetArrayLength());
        Assert.True(json.RootElement.GetProperty("mean_relative_error_accepted").GetDouble() <= 0.05);
        Assert.Contains("budget", Bard("data", "stats", "--in", samples).Out);
    }

    [Fact]
    public void Build_ExportRlAndLlamaFactory_WriteWhatTheTrainersRead()
    {
        using var dir = new TempDir();
        string ds = dir.File("ds");
        var (problems, samples, _) = SynthTeachCompress(dir, count: 20, seed: 5, budgets: "8,32");
        var build = Bard("data", "build", "--samples", samples, "--out", ds, "--export", "rl,llama-factory", "--problems", problems);
        Assert.True(build.Code == 0, build.Err);
        Assert.Contains("rl export in rl/", build.Out);
        var gold = JsonlReader.Read(problems, ProblemFormat.Instance).Records.ToDictionary(p => p.Id);

        // RL prompts: OpenRLHF (prompt, label), TRL GRPO (a conversational prompt column + extra columns), verl (data_source, reward_model, extra_info).
        var train = JsonlReader.Read(Path.Combine(ds, "train.jsonl"), BudgetedSampleFormat.Instance).Records;
        var rl = File.ReadAllLines(Path.Combine(ds, "rl", "train.jsonl"));
        Assert.Equal(train.Count, rl.Length);
        for (int i = 0; i < rl.Length; i++)
        {
            using var doc = JsonDocument.Parse(rl[i]);
            var r = doc.RootElement;
            var prompt = r.GetProperty("prompt");
            Assert.Equal(1, prompt.GetArrayLength());
            Assert.Equal("user", prompt[0].GetProperty("role").GetString());
            Assert.Equal(gold[train[i].ProblemId].Question + $"\nThinking budget: {train[i].Budget} tokens.", prompt[0].GetProperty("content").GetString());
            Assert.Equal(gold[train[i].ProblemId].Answer, r.GetProperty("label").GetString());
            Assert.Equal(train[i].Budget, r.GetProperty("budget").GetInt32());
            Assert.Equal(gold[train[i].ProblemId].Answer, r.GetProperty("reward_model").GetProperty("ground_truth").GetString());
            Assert.Equal(train[i].Budget, r.GetProperty("extra_info").GetProperty("budget").GetInt32());
            Assert.Equal("bard", r.GetProperty("data_source").GetString());
        }
        Assert.True(File.Exists(Path.Combine(ds, "rl", "validation.jsonl")));

        // LLaMA-Factory: the chat JSONL and a dataset_info.json registering it as sharegpt with OpenAI-style tags.
        Assert.Equal(train.Count, File.ReadAllLines(Path.Combine(ds, "llama-factory", "train.jsonl")).Length);
        using var info = JsonDocument.Parse(File.ReadAllText(Path.Combine(ds, "llama-factory", "dataset_info.json")));
        var entry = info.RootElement.GetProperty("bard_train");
        Assert.Equal("train.jsonl", entry.GetProperty("file_name").GetString());
        Assert.Equal("sharegpt", entry.GetProperty("formatting").GetString());
        Assert.Equal("messages", entry.GetProperty("columns").GetProperty("messages").GetString());
        Assert.Equal("assistant", entry.GetProperty("tags").GetProperty("assistant_tag").GetString());
        Assert.Equal("validation.jsonl", info.RootElement.GetProperty("bard_validation").GetProperty("file_name").GetString());

        var bad = Bard("data", "build", "--samples", samples, "--out", dir.File("x"), "--export", "rl,parquet", "--problems", problems);
        Assert.NotEqual(0, bad.Code);
        Assert.Contains("chat, rl and/or llama-factory", bad.Err);
    }

    [Fact]
    public void Synth_ReRunAfterInterruption_ResumesWithoutDuplicates()
    {
        using var dir = new TempDir();
        string path = dir.File("p.jsonl");
        Assert.Equal(0, Bard("data", "synth", "--count", "10", "--out", path).Code);
        var lines = File.ReadAllLines(path);
        File.WriteAllText(path, string.Join("\n", lines.Take(6)) + "\n" + lines[6][..20]); // killed while writing line 7
        var rerun = Bard("data", "synth", "--count", "10", "--out", path);
        Assert.Equal(0, rerun.Code);
        Assert.Contains("wrote 4 problems (6 already there)", rerun.Out);
        Assert.Equal(lines, File.ReadAllLines(path));
    }

    [Fact]
    public void Synth_EmbeddedOptions_ShapeTheProblems()
    {
        using var dir = new TempDir();
        string path = dir.File("p.jsonl");
        Assert.Equal(0, Bard("data", "synth", "--count", "30", "--out", path, "--modulus", "7", "--min-operations", "3", "--max-operations", "3").Code);
        Assert.All(JsonlReader.Read(path, ProblemFormat.Instance).Records, p =>
        {
            var chain = ChainProblem.TryParse(p.Question)!;
            Assert.Equal((7, 3), (chain.Modulus, chain.Difficulty));
        });
        var bad = Bard("data", "synth", "--count", "3", "--out", path, "--min-operations", "5", "--max-operations", "4");
        Assert.Equal(1, bad.Code);
        Assert.Contains("MaxOperations is 4", bad.Err);
    }

    [Fact]
    public void Compress_ReRun_AppendsOnlyNewBudgets()
    {
        using var dir = new TempDir();
        string problems = dir.File("p.jsonl"), traces = dir.File("t.jsonl"), samples = dir.File("s.jsonl");
        Bard("data", "synth", "--count", "5", "--out", problems);
        Bard("teach", "--problems", problems, "--out", traces);
        Bard("compress", "--traces", traces, "--budgets", "8,16", "--out", samples);
        var again = Bard("compress", "--traces", traces, "--budgets", "8,16,32", "--problems", problems, "--out", samples);
        Assert.Contains("wrote 5 samples (10 already there)", again.Out);
        Assert.Equal(15, File.ReadAllLines(samples).Length);
    }

    [Fact]
    public void Teach_BadProblemLine_FailsNamingFileAndLine_SkipBadCountsIt()
    {
        using var dir = new TempDir();
        string problems = dir.File("p.jsonl");
        File.WriteAllText(problems, """{"id":"a","question":"3 +4 (mod 10)","answer":"7"}""" + "\n" + """{"id":"b","question":"3 +4 (mod 10)"}""" + "\n");
        var failed = Bard("teach", "--problems", problems, "--out", dir.File("t.jsonl"));
        Assert.Equal(1, failed.Code);
        Assert.Contains("p.jsonl:2: field 'answer' is missing", failed.Err);
        var skipped = Bard("teach", "--problems", problems, "--out", dir.File("t.jsonl"), "--skip-bad");
        Assert.Equal(0, skipped.Code);
        Assert.Contains("skipped 1 bad line", skipped.Err);
        Assert.Contains("wrote 1 traces", skipped.Out);
    }

    [Fact]
    public void Import_SkyT1Fixture_WithInjectedTokenizer_WritesTracesProblemsAndCounts()
    {
        using var dir = new TempDir();
        string input = Fixtures.Path("traces", "sky-t1-sample.jsonl");
        string output = dir.File("sky.jsonl");
        var r = RunCommand(new DataImportCommand(_ => new WordTokenizer()), "--format", "sky-t1", "--in", input, "--tokenizer", "words", "--out", output);
        Assert.Equal(0, r.Code);
        Assert.Contains("5 lines: 3 traces imported (3 correct), 1 truncated (thinking never closed), 1 without thinking, 0 malformed", r.Out);
        Assert.Equal(3, JsonlReader.Read(output, TeacherTraceFormat.Instance).Records.Count);
        Assert.Equal(3, JsonlReader.Read(dir.File("sky.problems.jsonl"), ProblemFormat.Instance).Records.Count);
    }

    [Fact]
    public void Import_MissingHuggingFaceTokenizer_ErrorNamesIt()
    {
        using var dir = new TempDir();
        string input = dir.File("in.jsonl");
        File.WriteAllText(input, "");
        var r = Bard("data", "import", "--format", "think-tags", "--in", input, "--tokenizer", "/some/dir", "--out", dir.File("o.jsonl"));
        Assert.Equal(1, r.Code);
        Assert.Contains("/some/dir", r.Err);
        Assert.Contains("tokenizer.json", r.Err);
    }

    [Theory]
    [InlineData("data synth --count 3 --out x.jsonl --task nope", "unknown task 'nope'", 1)]
    [InlineData("data import --format xml --in a --tokenizer d --out b", "--format must be", 2)]
    [InlineData("compress --traces t --budgets 8 --out o", "t: file not found", 1)]
    public void BadArguments_ExitWithMessage(string args, string expected, int code)
    {
        var r = Bard(args.Split(' '));
        Assert.Equal(code, r.Code);
        Assert.Contains(expected, r.Err);
    }
}
