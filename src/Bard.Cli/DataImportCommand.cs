using Bard.Data;
using Bard.Data.Import;
using Bard.Text;

namespace Bard.Cli;

/// <summary><c>bard data import</c>: reads real teacher traces into problems and teacher-trace records.</summary>
public sealed class DataImportCommand(Func<string, ITokenizer> loadTokenizer) : CliCommand
{
    public DataImportCommand() : this(TokenizerLoader.LoadTokenizer) { }

    public override string Name => "data import";
    public override string Summary => "Import real teacher traces (think tags, reasoning_content, Sky-T1).";
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--format", "think-tags | reasoning-content | sky-t1.") { Required = true, ValueName = "FORMAT" },
        new("--in", "JSONL file to import.") { Required = true, ValueName = "FILE" },
        new("--tokenizer", "Student's Hugging Face tokenizer folder; thinking lengths are counted in its tokens.") { Required = true, ValueName = "DIR" },
        new("--out", "Teacher traces file (appended to, resumable).") { Required = true, ValueName = "FILE" },
        new("--problems-out", "Problems file; default: the --out path with .problems.jsonl.") { ValueName = "FILE" },
        new("--id-field", "Field holding the problem id (default per format).") { ValueName = "NAME" },
        new("--question-field", "Field holding the question.") { ValueName = "NAME" },
        new("--gold-field", "Field holding the gold answer.") { ValueName = "NAME" },
        new("--response-field", "Field holding the whole response with think tags.") { ValueName = "NAME" },
        new("--thinking-field", "Field holding the thinking alone.") { ValueName = "NAME" },
        new("--content-field", "Field holding the text after the thinking.") { ValueName = "NAME" },
        new("--answer-field", "Field holding an extracted final answer.") { ValueName = "NAME" },
        new("--correct-field", "Field holding a correctness grade (true/false).") { ValueName = "NAME" },
        new("--teacher", "Teacher name to record when no field gives one.") { Default = "imported", ValueName = "NAME" },
        new("--skip-bad", "Skip and count malformed lines instead of stopping at the first.") { IsFlag = true },
    ];

    public override int Run(ParsedOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var format = options.RequiredString("--format") switch
        {
            "think-tags" => TraceImportFormat.ThinkTags,
            "reasoning-content" => TraceImportFormat.ReasoningContent,
            "sky-t1" => TraceImportFormat.SkyT1,
            var f => throw new UsageException($"bard data import: --format must be think-tags, reasoning-content or sky-t1, got '{f}'."),
        };
        var o = TraceImportOptions.For(format);
        o = o with
        {
            IdField = options.String("--id-field") ?? o.IdField,
            QuestionField = options.String("--question-field") ?? o.QuestionField,
            GoldField = options.String("--gold-field") ?? o.GoldField,
            ResponseField = options.String("--response-field") ?? o.ResponseField,
            ThinkingField = options.String("--thinking-field") ?? o.ThinkingField,
            ContentField = options.String("--content-field") ?? o.ContentField,
            AnswerField = options.String("--answer-field") ?? o.AnswerField,
            CorrectField = options.String("--correct-field") ?? o.CorrectField,
            Teacher = options.RequiredString("--teacher"),
        };
        var tokenizer = loadTokenizer(options.RequiredString("--tokenizer"));
        string input = options.RequiredString("--in");
        string output = options.RequiredString("--out");
        string problemsOut = options.String("--problems-out")
            ?? Path.Combine(Path.GetDirectoryName(output) ?? "", Path.GetFileNameWithoutExtension(output) + ".problems.jsonl");

        var policy = options.Flag("--skip-bad") ? BadRecordPolicy.Skip : BadRecordPolicy.Stop;
        var result = new TraceImporter(o, tokenizer).Read(input, policy);
        DataCli.ReportSkipped(result.Skipped, result.SkipMessages, stderr);

        using var traces = JsonlWriter<TeacherTrace>.Open(output, TeacherTraceFormat.Instance, stderr.WriteLine);
        using var problems = JsonlWriter<Problem>.Open(problemsOut, ProblemFormat.Instance, stderr.WriteLine);
        var progress = new ProgressLine(stderr, "import", result.Records.Count);
        int done = 0;
        foreach (var r in result.Records)
        {
            cancel.ThrowIfCancellationRequested();
            progress.Report(++done);
            if (r.Trace is null) continue;
            problems.TryAppend(r.Problem);
            traces.TryAppend(r.Trace);
        }
        progress.Done(done);

        var imported = result.Records.Where(r => r.Trace is not null).Select(r => r.Trace!).ToArray();
        int truncated = result.Records.Count(r => r.Skip == ImportSkipReason.Truncated);
        int noThinking = result.Records.Count(r => r.Skip == ImportSkipReason.NoThinking);
        stdout.WriteLine($"{input}: {result.Records.Count + result.Skipped} lines: {imported.Length} traces imported "
            + $"({imported.Count(t => t.Correct == true)} correct), {truncated} truncated (thinking never closed), "
            + $"{noThinking} without thinking, {result.Skipped} malformed.");
        if (imported.Length > 0)
        {
            var tokens = imported.Select(t => t.ThinkingTokens!.Value).Order().ToArray();
            stdout.WriteLine($"thinking tokens: mean {tokens.Average():F0}, median {tokens[tokens.Length / 2]}, "
                + $"p90 {tokens[(int)(0.9 * (tokens.Length - 1))]}, min {tokens[0]}, max {tokens[^1]}.");
        }
        stdout.WriteLine($"wrote {traces.AppendedCount} traces to {output} and {problems.AppendedCount} problems to {problemsOut} "
            + $"({traces.ExistingCount} traces already there).");
        return 0;
    }
}
