using System.Diagnostics;
using Bard.Data;
using Bard.Data.Tasks;
using Bard.Eval;
using Bard.Model;
using Bard.Text;

namespace Bard.Cli;

/// <summary>`bard eval`: a checkpoint on a benchmark at a list of budgets, with summary.json and report.md.</summary>
public sealed class EvalCommand : CliCommand
{
    public override string Name => "eval";
    public override string Summary => "Evaluate a checkpoint at thinking budgets (modes budget, truncate, none) on a benchmark; writes summary.json and report.md.";
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--model", "Checkpoint folder with its tokenizer; with --endpoint, the served model's name.") { Required = true, ValueName = "DIR|NAME" },
        ModelOptions.Adapter,
        new("--endpoint", "Evaluate a served model instead: OpenAI-compatible base URL (e.g. http://127.0.0.1:8000/v1). Mode budget writes the budget line into the prompt; truncate asks the server to force it (bard serve's budget_enforcement).") { ValueName = "URL" },
        new("--tokenizer", "With --endpoint: the student's tokenizer folder, to count thinking tokens (default: the server's reasoning_tokens).") { ValueName = "DIR" },
        new("--api-key-env", "With --endpoint: environment variable holding the API key.") { Default = "OPENAI_API_KEY", ValueName = "VAR" },
        new("--concurrency", "With --endpoint: requests in flight at once.") { Default = "8", ValueName = "N" },
        new("--max-attempts", "With --endpoint: tries per request on 429, 5xx, timeouts.") { Default = "5", ValueName = "N" },
        new("--timeout-s", "With --endpoint: seconds one try may take.") { Default = "600", ValueName = "S" },
        new("--backoff-s", "With --endpoint: seconds before the second try, doubled after.") { Default = "1", ValueName = "S" },
        new("--stream", "With --endpoint: ask for server-sent events.") { IsFlag = true },
        new("--benchmark", "embedded, gsm8k, math500, aime24, aime25, gpqa or jsonl.") { Default = "embedded", ValueName = "NAME" },
        new("--budgets", "Thinking budgets b (tokens), comma-separated.") { Default = "16,32,64,128", ValueName = "LIST" },
        new("--mode", "budget (the BARD prompt), truncate (budget forcing, no budget in the prompt) or none (no budget).") { Default = "budget", ValueName = "MODE" },
        new("--method", "Method name in the outputs; default: bard for budget, truncation for truncate, agnostic for none.") { ValueName = "NAME" },
        new("--out", "Output folder: samples.jsonl, summary.json, report.md and plots.") { Default = "runs/eval", ValueName = "DIR" },
        new("--limit", "Evaluate the first N problems only.") { ValueName = "N" },
        new("--data", "Benchmark data folder (default: BARD_DATA, else data/benchmarks up the tree).") { ValueName = "DIR" },
        new("--file", "The benchmark file itself (jsonl and gpqa need one).") { ValueName = "FILE" },
        new("--question-field", "jsonl: field holding the question.") { Default = "question", ValueName = "NAME" },
        new("--answer-field", "jsonl: field holding the gold answer.") { Default = "answer", ValueName = "NAME" },
        new("--id-field", "jsonl: field holding the id.") { Default = "id", ValueName = "NAME" },
        new("--problems", "embedded: a problems file instead of generated problems.") { ValueName = "FILE" },
        new("--count", "embedded: problems to generate.") { Default = "200", ValueName = "N" },
        new("--min-operations", "embedded: fewest operations per generated problem.") { Default = "2", ValueName = "K" },
        new("--max-operations", "embedded: most operations per generated problem.") { Default = "8", ValueName = "K" },
        new("--modulus", "embedded: modulus of the generated problems.") { Default = "10", ValueName = "M" },
        new("--seed", "embedded: seed of the generated problems; gpqa: seed of the option shuffle.") { Default = "1", ValueName = "S" },
        new("--max-new-tokens", "Cap on generated tokens per answer (per budget: 2·b + 64, at most this).") { Default = "1024", ValueName = "N" },
        new("--answer-allowance", "truncate: tokens allowed after the forced </think>.") { Default = "16", ValueName = "N" },
        new("--batch-size", "Prompts generated together.") { Default = "128", ValueName = "N" },
        ModelOptions.Device,
    ];

    public override int Run(ParsedOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var mode = options.RequiredString("--mode") switch
        {
            "budget" => EvalMode.Budget,
            "truncate" => EvalMode.Truncate,
            "none" => EvalMode.None,
            var m => throw new UsageException($"--mode must be budget, truncate or none, got '{m}'."),
        };
        string method = options.String("--method") ?? mode switch { EvalMode.Budget => EvalMethods.Bard, EvalMode.Truncate => EvalMethods.Truncation, _ => EvalMethods.Agnostic };
        var budgets = options.IntList("--budgets");
        var device = ModelOptions.ResolveDevice(options);
        var (task, problems, kind, difficulty) = LoadProblems(options);
        var verifier = AnswerVerifiers.For(kind);
        if (options.Has("--endpoint") && options.Has("--adapter"))
            throw new UsageException("bard eval: --adapter applies to a local --model; a served model brings its adapters itself (bard serve --adapter).");
        if (options.Has("--endpoint"))
            return RunEndpoint(options, task, problems, kind, difficulty, mode, method, budgets, stdout, stderr, cancel);
        string modelDir = options.RequiredString("--model");
        var chat = StudentChat.Load(modelDir);
        using var model = ModelOptions.WithAdapter(options, Checkpoint.Load(modelDir, device: device));
        var run = new EvalRunOptions
        {
            Method = method, Mode = mode, Budgets = budgets,
            MaxNewTokens = options.Int("--max-new-tokens"), AnswerAllowance = options.Int("--answer-allowance"), BatchSize = options.Int("--batch-size"),
        }.Validate();
        int total = problems.Count * (mode == EvalMode.None ? 1 : budgets.Length);
        stderr.WriteLine($"bard eval: {task}, {problems.Count} problems × {(mode == EvalMode.None ? "no budget" : $"{budgets.Length} budgets")}, mode {mode}");
        var progress = Training.ProgressBar.ForStderr("eval", total);
        var clock = Stopwatch.StartNew();
        var samples = LocalEvaluator.Run(model, chat, problems, (p, answer) => verifier.Check(answer, p.Answer).Correct, run,
            done => progress.Report(done, ""), cancel, warning => stderr.WriteLine($"bard eval: warning: {warning}"));
        var (summary, files) = WriteOutputs(options, task, mode, budgets, clock.Elapsed.TotalSeconds, samples, difficulty);
        foreach (var m in summary.Methods)
            foreach (var row in m.PerBudget)
                stderr.WriteLine($"  {m.Method} b={row.Budget?.ToString() ?? "-",-5} accuracy {row.Accuracy:P1}  mean L {row.MeanThinkingTokens:F1}  |L-b|/b {row.MeanAbsRelDev:F3}  over {row.OverBudgetRate:P0}  n={row.N}");
        stdout.WriteLine(Path.GetFullPath(files.Summary));
        return 0;
    }

    /// <summary>samples.jsonl (replaced), summary.json, report.md and plots in --out.</summary>
    static (EvalSummary Summary, EvalReportFiles Files) WriteOutputs(ParsedOptions o, string task, EvalMode mode, int[] budgets, double seconds,
        IReadOnlyList<EvalSample> samples, IReadOnlyDictionary<string, string>? difficulty)
    {
        string outDir = o.RequiredString("--out");
        Directory.CreateDirectory(outDir);
        EvalSamplesFile.Replace(Path.Combine(outDir, EvalSamplesFile.FileName), samples);
        var summary = EvalSummary.FromSamples(task, mode == EvalMode.None ? [] : budgets, seconds, samples, difficulty);
        return (summary, EvalReport.Write(outDir, summary, samples));
    }

    /// <summary>The same evaluation against an OpenAI-compatible endpoint (greedy: temperature 0).</summary>
    static int RunEndpoint(ParsedOptions o, string task, IReadOnlyList<Problem> problems, AnswerKind kind, IReadOnlyDictionary<string, string>? difficulty,
        EvalMode mode, string method, int[] budgets, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var verifier = AnswerVerifiers.For(kind);
        using var endpoint = EndpointCli.Create(o);
        var student = o.String("--tokenizer") is { } dir ? Text.HfTokenizer.Load(dir) : null;
        var asker = new Serving.BudgetedEndpoint(endpoint, student);
        var judge = new Judge(Text.BudgetPromptFormat.Default, student, verifier);
        var jobs = (mode == EvalMode.None ? new int?[] { null } : budgets.Select(b => (int?)b))
            .SelectMany(b => problems.Select(p => (Budget: b, Problem: p))).ToList();
        var samples = new System.Collections.Concurrent.ConcurrentBag<EvalSample>();
        var progress = Training.ProgressBar.ForStderr("eval", jobs.Count);
        int done = 0;
        var clock = Stopwatch.StartNew();
        int maxTokens = o.Int("--max-new-tokens");
        EndpointCli.RunAll(jobs, o.Int("--concurrency"), cancel, async (job, ct) =>
        {
            var messages = new[] { Text.ChatMessage.User(job.Problem.Question) };
            var settings = new Serving.ChatRequestSettings { Temperature = 0, MaxTokens = maxTokens };
            Serving.BudgetedReply reply;
            if (job.Budget is { } b)
                reply = (await asker.AskAsync(messages, b, mode == EvalMode.Truncate ? Serving.BudgetDelivery.FieldForced : Serving.BudgetDelivery.Prompt, settings, ct))[0];
            else
            {
                // No budget at all: a plain request.
                var plain = await endpoint.CompleteAsync(messages, settings, ct);
                var c = plain.Choices[0];
                reply = new Serving.BudgetedReply(c, 0, student is null ? plain.Usage.ReasoningTokens : Text.BudgetPromptFormat.CountReasoningTokens(c.Reasoning, c.ThinkingClosed, student), plain.Usage);
            }
            // The judgement local evaluation makes: an answer counts only after closed thinking.
            var j = judge.OfParts(job.Problem, reply.Choice.Reasoning, reply.Choice.ThinkingClosed, reply.Choice.Content, reply.ThinkingTokens);
            samples.Add(new EvalSample(method, job.Budget, job.Problem.Id, j.Correct, Math.Max(0, j.ThinkingTokens), j.ThinkingClosed,
                j.AnswerTokens, j.Answer, reply.Choice.FinishReason == "length")
            {
                Output = reply.Choice.Reasoning.Length > 0 ? $"<think>{reply.Choice.Reasoning}</think>{reply.Choice.Content}" : reply.Choice.Content,
            });
            progress.Report(Interlocked.Increment(ref done), "");
        }, () => "Re-run the same command to evaluate again.");
        var ordered = samples.OrderBy(s => s.Budget).ThenBy(s => s.ProblemId, StringComparer.Ordinal).ToList();
        var (_, files) = WriteOutputs(o, task, mode, budgets, clock.Elapsed.TotalSeconds, ordered, difficulty);
        stderr.WriteLine($"bard eval: {EndpointCli.Cost(endpoint)}");
        stdout.WriteLine(Path.GetFullPath(files.Summary));
        return 0;
    }

    static (string Task, IReadOnlyList<Problem> Problems, AnswerKind Kind, IReadOnlyDictionary<string, string>? Difficulty) LoadProblems(ParsedOptions o)
    {
        string name = o.RequiredString("--benchmark");
        int? limit = o.Has("--limit") ? o.Int("--limit") : null;
        // Nothing to evaluate is a mistake, not "0 problems, exit 0" with an empty report.
        if (limit is < 1) throw new BardException($"--limit must be at least 1 (the number of problems to evaluate), got {limit}; leave it out to evaluate them all.");
        if (name == "embedded")
        {
            var task = new EmbeddedTask(new EmbeddedTaskOptions
            {
                MinOperations = o.Int("--min-operations"), MaxOperations = o.Int("--max-operations"), Modulus = o.Int("--modulus"),
            }.Validate());
            if (o.String("--problems") is null && o.Int("--count") < 1)
                throw new BardException($"--count must be at least 1 (the number of problems to generate), got {o.Int("--count")}.");
            IReadOnlyList<Problem> problems = o.String("--problems") is { } file
                ? JsonlReader.Read(file, ProblemFormat.Instance).Records
                : Enumerable.Range(0, o.Int("--count")).Select(i => task.Generate(o.Int("--seed"), i)).ToList();
            if (problems.Count == 0)
                throw new BardException($"{o.String("--problems")}: no problems in the file (it is empty or only blank lines); pass a problems file with at least one (bard data synth writes one).");
            if (limit is { } n) problems = problems.Take(n).ToList();
            var difficulty = ProblemIndex.ById(problems, o.String("--problems") ?? "the generated problems")
                .ToDictionary(kv => kv.Key, kv => $"k={ChainProblem.TryParse(kv.Value.Question)?.Difficulty}");
            return ("embedded", problems, AnswerKind.Task, difficulty);
        }
        var set = BenchmarkLoader.Load(new BenchmarkLoadOptions
        {
            Benchmark = Benchmarks.Parse(name),
            DataDirectory = o.String("--data"),
            File = o.String("--file"),
            ShuffleSeed = o.Int("--seed"),
            Limit = limit,
            Fields = new JsonlFieldMapping { QuestionField = o.RequiredString("--question-field"), AnswerField = o.RequiredString("--answer-field"), IdField = o.RequiredString("--id-field") },
        });
        return (set.Name, set.Problems, set.AnswerKind, set.Difficulty.Count > 0 ? set.Difficulty : null);
    }
}
