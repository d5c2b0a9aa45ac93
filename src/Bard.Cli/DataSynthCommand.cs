using Bard.Data;
using Bard.Data.Tasks;

namespace Bard.Cli;

/// <summary><c>bard data synth</c>: writes a task's generated problems.</summary>
public sealed class DataSynthCommand : CliCommand
{
    public override string Name => "data synth";
    public override string Summary => "Generate a task's problems (JSONL, resumable).";
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--task", "Task that generates the problems.") { Default = ReasoningTasks.DefaultName, ValueName = "NAME" },
        new("--count", "Number of problems.") { Required = true, ValueName = "N" },
        new("--seed", "Seed: the same seed and count give the same problems.") { Default = "0", ValueName = "S" },
        new("--out", "Problems file; appended to, so a re-run resumes.") { Required = true, ValueName = "FILE" },
        new("--modulus", "Embedded task: values live in [0, M).") { Default = "10", ValueName = "M" },
        new("--min-operations", "Embedded task: fewest operations per chain (difficulty).") { Default = "2", ValueName = "K" },
        new("--max-operations", "Embedded task: most operations per chain.") { Default = "8", ValueName = "K" },
    ];

    public override int Run(ParsedOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var embedded = new EmbeddedTaskOptions
        {
            Modulus = options.Int("--modulus"),
            MinOperations = options.Int("--min-operations"),
            MaxOperations = options.Int("--max-operations"),
        };
        var task = ReasoningTasks.Create(options.RequiredString("--task"), embedded);
        int count = options.Int("--count");
        if (count < 0) throw new UsageException("bard data synth: --count must be ≥ 0.");
        int seed = options.Int("--seed");
        string path = options.RequiredString("--out");
        using var writer = JsonlWriter<Problem>.Open(path, ProblemFormat.Instance, stderr.WriteLine);
        var progress = new ProgressLine(stderr, "synth", count);
        for (int i = 0; i < count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            writer.TryAppend(task.Generate(seed, i));
            progress.Report(i + 1);
        }
        progress.Done(count);
        stdout.WriteLine($"{path}: wrote {writer.AppendedCount} problems ({writer.ExistingCount} already there) with task {task.Name}, seed {seed}.");
        return 0;
    }
}
