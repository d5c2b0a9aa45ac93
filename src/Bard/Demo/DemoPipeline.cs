using System.Diagnostics;
using Bard.Data;
using Bard.Data.Tasks;
using Bard.Eval;
using Bard.Model;
using Bard.Rl;
using Bard.Text;
using Bard.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Demo;

/// <summary>
/// BARD end to end on the embedded task, offline: synthesize → teach → compress → SFT → RL → evaluate, for
/// the six methods of the paper's comparison. Stages that already finished in OUT are reused, so an
/// interrupted demo resumes. Every model starts from the agnostic one (plain long-CoT distillation),
/// which learns the arithmetic once: budget SFT continues from it, RL continues from budget SFT (or, for
/// bard_rl_only, from the agnostic model directly).
/// </summary>
public sealed class DemoPipeline(DemoOptions options, TextWriter log)
{
    public const string TaskName = "embedded";
    /// <summary>The RL curves plot written beside the report.</summary>
    public const string RlCurvesPlot = "rl_curves.png";
    Device device = CPU;
    readonly List<(string Stage, double Seconds)> stages = [];
    readonly Dictionary<string, string> phases = []; // stage → where its time went, e.g. "forward 35%, backward 63%, …"
    readonly List<(string Run, IReadOnlyList<IReadOnlyDictionary<string, double>> Steps)> rlRuns = [];
    Stopwatch? stageClock;
    string? stage;

    /// <summary>Runs the demo into <paramref name="outDir"/> and returns the evaluation summary.</summary>
    public EvalSummary Run(string outDir, CancellationToken cancel = default)
    {
        options.Validate();
        device = DeviceSpec.Parse(options.Device, "--device").Resolve();
        var clock = Stopwatch.StartNew();
        if (options.Threads > 0) set_num_threads(options.Threads);
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "demo.json"), ConfigJson.Serialize(options));
        string machine = device.type == DeviceType.CUDA ? $"{options.Device}" : $"{CpuInfo.Current.Describe()}, {get_num_threads()} threads";
        string Resolved(Precision p) => PrecisionChoice.Name(PrecisionChoice.Resolve(p, device.type));
        string precision = $"SFT {Resolved(options.Agnostic.Precision)}, budget SFT {Resolved(options.BudgetSft.Precision)}, RL updates {Resolved(options.Rl.Precision)}";
        log.WriteLine($"  on {machine}; {precision}"
            + (options.Agnostic.Precision == Precision.Auto && device.type == DeviceType.CPU && !CpuInfo.Current.NativeBf16
                ? " (auto: this CPU has no AMX or AVX512-BF16, where bf16 is emulated and far slower than fp32)" : ""));

        // 1. Data: problems, the teacher's traces, budgeted rewrites, the student's tokenizer.
        Stage("data");
        var task = new EmbeddedTask(options.Task);
        var train = Enumerable.Range(0, options.TrainProblems).Select(i => task.Generate((int)options.Seed, i)).ToList();
        var seen = train.Select(p => p.Question).ToHashSet();
        var eval = Enumerable.Range(0, options.EvalProblems * 4).Select(i => task.Generate((int)options.Seed + 1, i))
            .Where(p => !seen.Contains(p.Question)).Take(options.EvalProblems).ToList();
        string tokenizerDir = Path.Combine(outDir, "tokenizer");
        task.SaveTokenizer(tokenizerDir);
        var chat = StudentChat.Load(tokenizerDir);
        var traces = train.Select(task.Teach).ToList();
        var rng = new Random((int)options.Seed);
        var samples = new List<BudgetedSample>();
        foreach (var (problem, trace) in train.Zip(traces))
        {
            var budgets = options.Budgets.OrderBy(_ => rng.Next()).Take(options.SamplesPerProblem).ToList();
            samples.AddRange(task.Compress(problem, trace, budgets, chat.Tokenizer));
        }
        WriteData(Path.Combine(outDir, "data"), train, eval, traces, samples);
        var byId = train.ToDictionary(p => p.Id);
        var accepted = samples.Where(s => s.Accepted).ToList();
        log.WriteLine($"  {train.Count} training problems, {eval.Count} evaluation problems, {traces.Count} teacher traces "
            + $"(mean {traces.Average(t => chat.Tokenizer.CountTokens(t.Thinking)):F0} thinking tokens), {accepted.Count} budgeted samples "
            + $"(mean |L-b|/b {accepted.Average(s => Math.Abs(s.ThinkingTokens - s.Budget) / (double)s.Budget):F3})");

        // 2. Models.
        string models = Path.Combine(outDir, "models");
        var config = ModelPresets.Create(options.Preset, chat.Tokenizer.VocabSize, maxPositions: 2048) with
        {
            EosTokenIds = [chat.EndOfTurnId],
            PadTokenId = chat.Tokenizer.TokenToId("<pad>"),
        };
        log.WriteLine($"  student: preset '{options.Preset}', {config.ParameterCount:N0} parameters, vocabulary {config.VocabSize}");
        string agnostic = Sft("agnostic", Path.Combine(models, "agnostic"), null, config, SftExamples.FromTraces(traces, byId, chat), options.Agnostic, tokenizerDir, cancel);
        string bardSft = Sft("bard_sft", Path.Combine(models, "bard_sft"), agnostic, config, SftExamples.FromSamples(accepted, byId, chat), options.BudgetSft, tokenizerDir, cancel);
        // One definition of "correct" for reward and evaluation: the task verifier against the gold answer.
        var verifier = AnswerVerifiers.For(AnswerKind.Task);
        Func<Problem, string, bool> verify = (problem, answer) => verifier.Check(answer, problem.Answer).Correct;
        var env = new ChatEnvironment(chat, verify);
        var multiplicative = options.Rl;
        var additive = options.Rl with { Reward = options.Rl.Reward with { Combination = RewardCombination.Additive } };
        string bard = Rl("bard", Path.Combine(models, "bard"), bardSft, train, env, multiplicative, tokenizerDir, cancel);
        string bardAdditive = Rl("bard_additive", Path.Combine(models, "bard_additive"), bardSft, train, env, additive, tokenizerDir, cancel);
        string bardRlOnly = Rl("bard_rl_only", Path.Combine(models, "bard_rl_only"), agnostic, train, env, multiplicative, tokenizerDir, cancel);

        // 3. Evaluation: every method at every budget on the same fresh problems, greedy.
        Stage("evaluate");
        var evalClock = Stopwatch.StartNew();
        var results = new List<EvalSample>();
        var evalPhases = new List<(string Method, double Seconds)>();
        var budgetsList = options.Budgets.OrderBy(b => b).ToList();
        // The agnostic model never saw a budget: it is asked once, and its one answer per problem is scored against every budget.
        foreach (var s in Evaluate(agnostic, chat, eval, verify, new EvalRunOptions { Method = EvalMethods.Agnostic, Mode = EvalMode.None, MaxNewTokens = 1024 }, cancel, evalPhases))
            results.AddRange(budgetsList.Select(b => s with { Budget = b }));
        results.AddRange(Evaluate(agnostic, chat, eval, verify, new EvalRunOptions { Method = EvalMethods.Truncation, Mode = EvalMode.Truncate, Budgets = budgetsList }, cancel, evalPhases));
        foreach (var (method, dir) in new[] { (EvalMethods.BardSft, bardSft), (EvalMethods.BardRlOnly, bardRlOnly), (EvalMethods.Bard, bard), (EvalMethods.BardAdditive, bardAdditive) })
            results.AddRange(Evaluate(dir, chat, eval, verify, new EvalRunOptions { Method = method, Mode = EvalMode.Budget, Budgets = budgetsList }, cancel, evalPhases));
        log.WriteLine($"  evaluated {results.Count} samples in {evalClock.Elapsed.TotalSeconds:F0} s");
        phases["evaluate"] = string.Join(", ", evalPhases.Select(e => System.FormattableString.Invariant($"{e.Method} {e.Seconds:F0} s")));

        Stage("report");
        var difficulty = eval.ToDictionary(p => p.Id, p => $"k={ChainProblem.TryParse(p.Question)?.Difficulty}");
        var summary = EvalSummary.FromSamples(TaskName, budgetsList, clock.Elapsed.TotalSeconds, results, difficulty);
        summary = summary with { Claims = DemoClaims.Evaluate(summary) };
        string evalDir = Path.Combine(outDir, "eval");
        Directory.CreateDirectory(evalDir);
        EvalSamplesFile.Replace(Path.Combine(evalDir, EvalSamplesFile.FileName), results);
        string[] extra = [];
        if (rlRuns.Count > 0) { ReportPlots.RlCurves(rlRuns, Path.Combine(outDir, RlCurvesPlot)); extra = [RlCurvesPlot]; }
        var files = EvalReport.Write(outDir, summary, results, extra);
        Stage(null);
        double total = stages.Sum(x => x.Seconds);
        var timing = new System.Text.StringBuilder("\n## Time by stage\n\n| stage | seconds | share | where it went |\n|---|---:|---:|---|\n");
        log.WriteLine("time by stage:");
        foreach (var (name, seconds) in stages)
        {
            string within = phases.GetValueOrDefault(name, "");
            log.WriteLine($"  {name,-24} {seconds,7:F1} s  {seconds / Math.Max(total, 1e-9),6:P1}" + (within.Length > 0 ? $"  ({within})" : ""));
            timing.Append(System.FormattableString.Invariant($"| {name} | {seconds:F1} | {100 * seconds / Math.Max(total, 1e-9):F1}% | {within} |\n"));
        }
        timing.Append(System.FormattableString.Invariant($"| total | {total:F1} | 100% | |\n"));
        timing.Append($"\nOn {machine}; {precision}.\n");
        File.AppendAllText(files.Report, timing.ToString());
        foreach (var c in summary.Claims) log.WriteLine($"  claim: {c.Name}: {(c.Holds ? "holds" : "does NOT hold")} — {c.Evidence}");
        log.WriteLine($"demo finished in {clock.Elapsed.TotalMinutes:F1} min. Report: {files.Report}");
        return summary;
    }

    /// <summary>Starts timing stage <paramref name="name"/> (null: ends the last one) and logs its start.</summary>
    void Stage(string? name)
    {
        if (stage is not null && stageClock is not null) stages.Add((stage, stageClock.Elapsed.TotalSeconds));
        (stage, stageClock) = (name, name is null ? null : Stopwatch.StartNew());
        if (name is not null) log.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {name}");
    }

    string Sft(string name, string runDir, string? init, ModelConfig config, List<TrainingSequence> data, SftConfig sft, string tokenizerDir, CancellationToken cancel)
    {
        string final = Path.Combine(runDir, "final");
        Stage($"sft {name}");
        log.WriteLine($"  {data.Count} sequences, {data.Sum(d => d.Length):N0} tokens, {sft.MaxSteps} steps");
        if (Directory.Exists(final)) { log.WriteLine($"  reusing {final}"); return final; }
        using var model = init is null ? new CausalLM(config) : Checkpoint.Load(init, device: device);
        if (init is null) { ModelInit.Initialize(model, options.Seed); model.to(device); }
        var trainer = new SftTrainer(sft with { Seed = options.Seed });
        var metrics = trainer.Train(model, data, null, new SftRun
        {
            OutDir = runDir, Resume = true, TokenizerDir = tokenizerDir, TensorBoard = true,
            Progress = new ProgressBar(log, $"  {name}", trainer.TotalSteps(data), interactive: false),
        }, cancel);
        if (metrics.Count > 0)
            log.WriteLine($"  loss {metrics[0].Loss:F3} → {metrics[^1].Loss:F3}, {metrics.Skip(1).DefaultIfEmpty(metrics[0]).Average(m => m.TokensPerSecond):N0} tokens/s");
        Phases($"sft {name}", MetricsWriter.Read(runDir), ["collate", "forward", "backward", "optimizer"]);
        return final;
    }

    string Rl(string name, string runDir, string init, IReadOnlyList<Problem> problems, IRlEnvironment env, RlConfig rl, string tokenizerDir, CancellationToken cancel)
    {
        string final = Path.Combine(runDir, "final");
        Stage($"rl {name}");
        log.WriteLine($"  {rl.MaxSteps} steps × {rl.PromptsPerStep} prompts × {rl.GroupSize} samples, {rl.Reward.Combination} reward");
        if (Directory.Exists(final))
        {
            log.WriteLine($"  reusing {final}");
            rlRuns.Add((name, MetricsWriter.Read(runDir)));
            return final;
        }
        using var policy = Checkpoint.Load(init, device: device);
        var metrics = new RlTrainer(rl with { Seed = options.Seed }).Train(policy, problems, env, new RlRun
        {
            OutDir = runDir, Resume = true, TokenizerDir = tokenizerDir, TensorBoard = true,
            Progress = new ProgressBar(log, $"  {name}", rl.MaxSteps, interactive: false),
        }, cancel);
        rlRuns.Add((name, MetricsWriter.Read(runDir))); // every step, also those of an earlier, interrupted run
        Phases($"rl {name}", rlRuns[^1].Steps, ["rollout", "reference", "update"]);
        if (metrics.Count > 0)
        {
            int k = Math.Max(1, metrics.Count / 4);
            double First(Func<RlStepMetrics, double> f) => metrics.Take(k).Average(m => f(m.Rollout));
            double Last(Func<RlStepMetrics, double> f) => metrics.TakeLast(k).Average(m => f(m.Rollout));
            log.WriteLine($"  reward {First(m => m.RewardMean):F3} → {Last(m => m.RewardMean):F3}, accuracy {First(m => m.Accuracy):F3} → {Last(m => m.Accuracy):F3}, "
                + $"fidelity {First(m => m.FidelityMean):F3} → {Last(m => m.FidelityMean):F3} (mean of the first and last {k} steps)");
        }
        return final;
    }

    List<EvalSample> Evaluate(string modelDir, StudentChat chat, IReadOnlyList<Problem> problems, Func<Problem, string, bool> verify, EvalRunOptions run, CancellationToken cancel,
        List<(string Method, double Seconds)> seconds)
    {
        using var model = Checkpoint.Load(modelDir, device: device);
        var clock = Stopwatch.StartNew();
        var samples = LocalEvaluator.Run(model, chat, problems, verify, run, cancel: cancel);
        log.WriteLine($"  {run.Method,-14} {run.Mode,-8} accuracy {samples.Average(s => s.Correct ? 1.0 : 0.0):P1}, mean L {samples.Average(s => s.ThinkingTokens):F1} ({clock.Elapsed.TotalSeconds:F0} s)");
        seconds.Add((run.Method, clock.Elapsed.TotalSeconds));
        return samples;
    }

    /// <summary>
    /// Records where stage <paramref name="stage"/>'s training time went: the share of each phase (metrics key <c>PHASE_s</c>,
    /// summed over the steps) in the steps' wall time (<c>step_s</c>), the rest as "other" (judging, rewards, metrics). Steps written by a
    /// build that did not time phases are left out.
    /// </summary>
    void Phases(string stage, IReadOnlyList<IReadOnlyDictionary<string, double>> steps, string[] names)
    {
        var timed = steps.Where(m => m.ContainsKey("step_s") && names.All(n => m.ContainsKey(n + "_s"))).ToList();
        if (timed.Count == 0) return;
        var sums = names.Select(n => (Name: n, Seconds: timed.Sum(m => m[n + "_s"]))).ToList();
        double wall = timed.Sum(m => m["step_s"]);
        string Share(double seconds) => System.FormattableString.Invariant($"{100 * seconds / Math.Max(wall, 1e-9):F0}%");
        var parts = sums.Select(x => $"{x.Name} {Share(x.Seconds)}").ToList();
        double other = wall - sums.Sum(x => x.Seconds);
        if (other > 0.005 * wall) parts.Add($"other {Share(other)}");
        phases[stage] = string.Join(", ", parts) + System.FormattableString.Invariant($" of {wall:F0} s in steps");
    }

    static void WriteData(string dir, List<Problem> train, List<Problem> eval, List<TeacherTrace> traces, List<BudgetedSample> samples)
    {
        Directory.CreateDirectory(dir);
        void Write<T>(string name, IRecordFormat<T> format, IEnumerable<T> records)
        {
            string path = Path.Combine(dir, name);
            if (File.Exists(path)) File.Delete(path);
            using var writer = JsonlWriter<T>.Open(path, format);
            foreach (var r in records) writer.TryAppend(r);
        }
        Write("problems.jsonl", ProblemFormat.Instance, train);
        Write("eval_problems.jsonl", ProblemFormat.Instance, eval);
        Write("traces.jsonl", TeacherTraceFormat.Instance, traces);
        Write("samples.jsonl", BudgetedSampleFormat.Instance, samples);
    }
}
