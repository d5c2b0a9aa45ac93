using Bard.Data;

namespace Bard.Cli;

/// <summary><c>bard teach</c>: writes teacher traces with a task's programmatic teacher.</summary>
public sealed class TeachCommand : CliCommand
{
    public override string Name => "teach";
    public override string Summary => "Write teacher traces for problems with the task's programmatic teacher.";
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--task", "Task whose teacher writes the traces.") { Default = ReasoningTasks.DefaultName, ValueName = "NAME" },
        new("--problems", "Problems file.") { Required = true, ValueName = "FILE" },
        new("--out", "Traces file; appended to, so a re-run resumes.") { Required = true, ValueName = "FILE" },
        new("--skip-bad", "Skip and count bad problem lines instead of stopping at the first.") { IsFlag = true },
    ];

    public override int Run(ParsedOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var task = ReasoningTasks.Create(options.RequiredString("--task"));
        var problems = DataCli.Read(options.RequiredString("--problems"), ProblemFormat.Instance, options, stderr);
        string path = options.RequiredString("--out");
        using var writer = JsonlWriter<TeacherTrace>.Open(path, TeacherTraceFormat.Instance);
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
}
