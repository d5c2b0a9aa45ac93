using Bard.Data;
using Bard.Data.Assembly;
using Bard.Text;

namespace Bard.Cli;

/// <summary><c>bard compress</c>: rewrites teacher traces to budgets with a task's programmatic compressor.</summary>
public sealed class CompressCommand(Func<string, ITokenizer> loadTokenizer) : CliCommand
{
    public CompressCommand() : this(TokenizerLoader.LoadTokenizer) { }

    public override string Name => "compress";
    public override string Summary => "Rewrite teacher traces to thinking budgets (budgeted samples, resumable).";
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--task", "Task whose compressor rewrites the traces.") { Default = ReasoningTasks.DefaultName, ValueName = "NAME" },
        new("--traces", "Teacher traces file.") { Required = true, ValueName = "FILE" },
        new("--problems", "Problems file the traces answer; optional for the embedded task, whose traces restate their problem.") { ValueName = "FILE" },
        new("--budgets", "Budget levels in student tokens (16,32,64,128), or a distribution loguniform:MIN:MAX.") { Required = true, ValueName = "LIST" },
        new("--samples-per-problem", "Budgets per problem: a seeded subset of the levels, or draws from the distribution (required with one).") { ValueName = "N" },
        new("--seed", "Seed of the per-problem budget choice.") { Default = "0", ValueName = "S" },
        new("--tokenizer", "Student's Hugging Face tokenizer folder; default: the task's character-level tokenizer.") { ValueName = "DIR" },
        new("--out", "Budgeted samples file; appended to, so a re-run resumes.") { Required = true, ValueName = "FILE" },
        new("--skip-bad", "Skip and count bad input lines instead of stopping at the first.") { IsFlag = true },
    ];

    public override int Run(ParsedOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var task = ReasoningTasks.Create(options.RequiredString("--task"));
        int? perProblem = options.Has("--samples-per-problem") ? options.Int("--samples-per-problem") : null;
        var schedule = BudgetSchedule.Parse(options.RequiredString("--budgets"), perProblem, options.Int("--seed"));
        var tokenizer = options.String("--tokenizer") is { } dir ? loadTokenizer(dir) : task.CreateTokenizer();
        var traces = DataCli.Read(options.RequiredString("--traces"), TeacherTraceFormat.Instance, options, stderr);
        Dictionary<string, Problem>? problems = options.String("--problems") is { } pf
            ? DataCli.Read(pf, ProblemFormat.Instance, options, stderr).ToDictionary(p => p.Id, StringComparer.Ordinal)
            : null;

        string path = options.RequiredString("--out");
        using var writer = JsonlWriter<BudgetedSample>.Open(path, BudgetedSampleFormat.Instance);
        var progress = new ProgressLine(stderr, "compress", traces.Count);
        int done = 0, incorrect = 0, accepted = 0, rejected = 0;
        foreach (var trace in traces)
        {
            cancel.ThrowIfCancellationRequested();
            progress.Report(++done);
            if (trace.Correct == false) { incorrect++; continue; }
            var problem = problems is null
                ? task.RecoverProblem(trace) ?? throw new BardException(
                    $"trace of problem '{trace.ProblemId}' does not restate its problem; pass the problems file with --problems.")
                : problems.GetValueOrDefault(trace.ProblemId) ?? throw new BardException(
                    $"trace of problem '{trace.ProblemId}' has no record in {options.String("--problems")}; pass the problems file the traces were made from.");
            var budgets = schedule.BudgetsFor(problem.Id)
                .Where(b => !writer.Contains(BudgetedSampleFormat.KeyOf(problem.Id, b)))
                .ToArray();
            if (budgets.Length == 0) continue;
            foreach (var s in task.Compress(problem, trace, budgets, tokenizer))
            {
                writer.TryAppend(s);
                if (s.Accepted) accepted++; else rejected++;
            }
        }
        progress.Done(done);
        stdout.WriteLine($"{path}: wrote {writer.AppendedCount} samples ({writer.ExistingCount} already there): {accepted} accepted, "
            + $"{rejected} outside the tolerance (infeasible budgets); {incorrect} incorrect traces skipped. See 'bard data stats --in {path}'.");
        return 0;
    }
}
