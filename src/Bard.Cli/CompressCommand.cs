using Bard.Data;
using Bard.Data.Assembly;
using Bard.Serving;
using Bard.Text;

namespace Bard.Cli;

/// <summary>
/// <c>bard compress</c>: rewrites teacher traces to budgets with a task's programmatic compressor, or with an LLM behind
/// an OpenAI-compatible endpoint (<c>--endpoint</c>; lengths measured in the student's tokenizer, retried with feedback).
/// </summary>
public sealed class CompressCommand(Func<string, ITokenizer> loadTokenizer) : CliCommand
{
    public CompressCommand() : this(TokenizerLoader.LoadTokenizer) { }

    public override string Name => "compress";
    public override string Summary => "Rewrite teacher traces to thinking budgets, programmatically or with an LLM (--endpoint); resumable.";
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
        .. EndpointCli.Options,
        new("--tolerance", "With --endpoint: accepted relative length error |L − b| / b.") { Default = "0.1", ValueName = "X" },
        new("--max-tries", "With --endpoint: tries per budget, each retry stating the length produced and the target.") { Default = "3", ValueName = "K" },
        new("--temperature", "With --endpoint: sampling temperature.") { Default = "0.3", ValueName = "T" },
        new("--max-tokens", "With --endpoint: most tokens per answer (at least 4 × the budget are allowed).") { Default = "4096", ValueName = "N" },
    ];

    public override int Run(ParsedOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        bool llm = EndpointCli.Requested(options);
        var task = ReasoningTasks.Create(options.RequiredString("--task"));
        int? perProblem = options.Has("--samples-per-problem") ? options.Int("--samples-per-problem") : null;
        var schedule = BudgetSchedule.Parse(options.RequiredString("--budgets"), perProblem, options.Int("--seed"));
        var tokenizer = options.String("--tokenizer") is { } dir ? loadTokenizer(dir) : task.CreateTokenizer();
        var traces = DataCli.Read(options.RequiredString("--traces"), TeacherTraceFormat.Instance, options, stderr);
        Dictionary<string, Problem>? problems = options.String("--problems") is { } pf
            ? ProblemIndex.ById(DataCli.Read(pf, ProblemFormat.Instance, options, stderr), pf)
            : null;

        string path = options.RequiredString("--out");
        using var writer = JsonlWriter<BudgetedSample>.Open(path, BudgetedSampleFormat.Instance, stderr.WriteLine);
        if (llm) return RunLlm(options, traces, problems, schedule, tokenizer, task, writer, path, stdout, stderr, cancel);
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

    static int RunLlm(ParsedOptions options, IReadOnlyList<TeacherTrace> traces, Dictionary<string, Problem>? problems, BudgetSchedule schedule,
        ITokenizer tokenizer, IReasoningTask task, JsonlWriter<BudgetedSample> writer, string path, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        using var endpoint = EndpointCli.Create(options);
        var compressor = new LlmCompressor(endpoint, tokenizer, new LlmCompressorOptions
        {
            Tolerance = options.Double("--tolerance"),
            MaxTries = options.Int("--max-tries"),
            Temperature = options.Double("--temperature"),
            MaxTokens = options.Int("--max-tokens"),
        });
        int incorrect = traces.Count(t => t.Correct == false);
        var work = new List<(Problem Problem, TeacherTrace Trace, int Budget)>();
        foreach (var trace in traces.Where(t => t.Correct != false))
        {
            var problem = problems is null
                ? task.RecoverProblem(trace) ?? throw new BardException(
                    $"trace of problem '{trace.ProblemId}' does not restate its problem; pass the problems file with --problems.")
                : problems.GetValueOrDefault(trace.ProblemId) ?? throw new BardException(
                    $"trace of problem '{trace.ProblemId}' has no record in {options.String("--problems")}; pass the problems file the traces were made from.");
            foreach (int b in schedule.BudgetsFor(problem.Id))
                if (!writer.Contains(BudgetedSampleFormat.KeyOf(problem.Id, b))) work.Add((problem, trace, b));
        }
        // Why a budget was given up on: one JSON line each next to the samples (the sample itself is kept, not accepted).
        string rejectedLog = path + ".rejected.jsonl";
        var progress = new ProgressLine(stderr, "compress", work.Count);
        int done = 0, accepted = 0, rejected = 0;
        var gate = new object();
        EndpointCli.RunAll(work, endpoint.Options.MaxConcurrency, cancel, async (item, ct) =>
        {
            var outcome = await compressor.CompressAsync(item.Problem, item.Trace, item.Budget, ct);
            lock (gate)
            {
                if (outcome.Why is not null)
                    File.AppendAllText(rejectedLog, System.Text.Json.JsonSerializer.Serialize(new
                    {
                        problem_id = item.Problem.Id, budget = item.Budget, lengths = outcome.Lengths, why = outcome.Why,
                    }) + "\n");
                if (writer.TryAppend(outcome.Sample)) { if (outcome.Sample.Accepted) accepted++; else rejected++; }
                progress.Report(++done);
            }
        }, () => $"{writer.AppendedCount} new samples are in {path}; re-run the same command to resume.");
        progress.Done(done);
        stdout.WriteLine($"{path}: wrote {writer.AppendedCount} samples ({writer.ExistingCount} already there) with {compressor.Name}: {accepted} accepted, "
            + $"{rejected} outside the tolerance after retries (reasons in {rejectedLog}); {incorrect} incorrect traces skipped. {EndpointCli.Cost(endpoint)}.");
        return 0;
    }
}
