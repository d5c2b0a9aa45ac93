using Bard.Eval;
using Bard.Data;
using Bard.Serving;

namespace Bard.Cli;

/// <summary>
/// <c>bard teach</c>: writes teacher traces with a task's programmatic teacher, or with an LLM behind an
/// OpenAI-compatible endpoint (<c>--endpoint</c>), keeping only verified-correct traces.
/// </summary>
public sealed class TeachCommand : CliCommand
{
    public override string Name => "teach";
    public override string Summary => "Write teacher traces with the task's programmatic teacher, or an LLM (--endpoint).";
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--task", "Task whose teacher writes the traces.") { Default = ReasoningTasks.DefaultName, ValueName = "NAME" },
        new("--problems", "Problems file.") { Required = true, ValueName = "FILE" },
        new("--out", "Traces file; appended to, so a re-run resumes.") { Required = true, ValueName = "FILE" },
        new("--skip-bad", "Skip and count bad problem lines instead of stopping at the first.") { IsFlag = true },
        .. EndpointCli.Options,
        new("--samples", "With --endpoint: samples per problem, drawn until one is verified correct.") { Default = "4", ValueName = "N" },
        new("--answer-kind", "With --endpoint: how answers are verified: math, choice or task (default: task for embedded problems, math otherwise).") { ValueName = "KIND" },
        new("--temperature", "With --endpoint: sampling temperature.") { Default = "0.6", ValueName = "T" },
        new("--max-tokens", "With --endpoint: most tokens per sample.") { Default = "16384", ValueName = "N" },
    ];

    public override int Run(ParsedOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        bool llm = EndpointCli.Requested(options);
        var problems = DataCli.Read(options.RequiredString("--problems"), ProblemFormat.Instance, options, stderr);
        string path = options.RequiredString("--out");
        using var writer = JsonlWriter<TeacherTrace>.Open(path, TeacherTraceFormat.Instance, stderr.WriteLine);
        if (llm) return RunLlm(options, problems, writer, path, stdout, stderr, cancel);
        var task = ReasoningTasks.Create(options.RequiredString("--task"));
        var progress = new ProgressLine(stderr, "teach", problems.Count);
        int done = 0, wrong = 0;
        foreach (var p in problems)
        {
            cancel.ThrowIfCancellationRequested();
            if (!writer.Contains(p.Id))
            {
                var trace = task.Teach(p);
                if (trace.Correct == false) wrong++;
                writer.TryAppend(trace);
            }
            progress.Report(++done);
        }
        progress.Done(done);
        stdout.WriteLine($"{path}: wrote {writer.AppendedCount} traces ({writer.ExistingCount} already there, {wrong} incorrect) with {task.Name}'s teacher.");
        return 0;
    }

    static int RunLlm(ParsedOptions options, IReadOnlyList<Problem> problems, JsonlWriter<TeacherTrace> writer, string path,
        TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        using var endpoint = EndpointCli.Create(options);
        var verifier = AnswerVerifiers.For(RlCommand.AnswerKindOption(options.String("--answer-kind"), problems));
        var teacher = new LlmTeacher(endpoint, new LlmTeacherOptions
        {
            SamplesPerProblem = options.Int("--samples"),
            Temperature = options.Double("--temperature"),
            MaxTokens = options.Int("--max-tokens"),
        }, verifier);
        var todo = problems.Where(p => !writer.Contains(p.Id)).ToList();
        var progress = new ProgressLine(stderr, "teach", problems.Count);
        int done = problems.Count - todo.Count;
        var unsolved = new List<string>();
        var gate = new object();
        EndpointCli.RunAll(todo, endpoint.Options.MaxConcurrency, cancel, async (p, ct) =>
        {
            var outcome = await teacher.TeachAsync(p, ct);
            lock (gate)
            {
                if (outcome.Trace is not null) writer.TryAppend(outcome.Trace);
                else unsolved.Add($"{p.Id}: {outcome.Why}");
                progress.Report(++done);
            }
        }, () => $"{writer.AppendedCount} new traces are in {path}; re-run the same command to resume.");
        progress.Done(done);
        foreach (var u in unsolved.Take(5)) stderr.WriteLine($"  no trace for {u}");
        if (unsolved.Count > 5) stderr.WriteLine($"  … and {unsolved.Count - 5} more");
        stdout.WriteLine($"{path}: wrote {writer.AppendedCount} verified traces ({writer.ExistingCount} already there) with {teacher.Name}; "
            + $"{unsolved.Count} problems without a correct sample (a re-run tries them again). {EndpointCli.Cost(endpoint)}.");
        return 0;
    }
}
