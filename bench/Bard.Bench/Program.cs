using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bard.Bench;
using Bard.Data.Tasks;
using Bard.Eval;
using Bard.Inference;
using Bard.Model;
using Bard.Rl;
using Bard.Text;
using Bard.Training;
using static TorchSharp.torch;

// Bard's side of bench/run (issue 9): one JSON line per measurement on stdout, progress on stderr.
// bench/pytorch_bench.py measures the same models, steps and decode loops in PyTorch; bench/run runs both and merges.
//   dotnet run -c Release --project bench/Bard.Bench -- [--quick] [--threads N] [--only a,b,...]
//   sections: matmul, sft, decode, rl, tokenizer, kernels; or single measurements: matmul_fp32, matmul_bf16,
//   sft_student_fp32, sft_student_bf16, sft_30m_fp32, sft_30m_bf16 (what bench/run interleaves with PyTorch's)
//   kernels: small fp32 and bf16 matmuls and linears between "#kernel-probe DTYPE" marker lines on stdout, for bench/run
//   to run under ONEDNN_VERBOSE / MKL_VERBOSE and read which library kernel libtorch dispatched
var opts = BenchArgs.Parse(args);
if (opts.Threads > 0) set_num_threads(opts.Threads);
Log($"Bard.Bench: {get_num_threads()} torch threads, {Environment.ProcessorCount} cores{(opts.Quick ? ", quick" : "")}");
var work = Path.Combine(Path.GetTempPath(), "bard-bench-" + Environment.ProcessId);
Directory.CreateDirectory(work);
Emit(new JsonObject
{
    ["what"] = "env", ["threads"] = get_num_threads(), ["torch_backend"] = DeviceSpec.TorchBackend, ["student_vocab"] = Shapes.StudentVocab,
    ["student_params"] = Shapes.Create("student").ParameterCount, ["30m_params"] = Shapes.Create("30m").ParameterCount,
});
try
{
    if (opts.Only?.Contains("kernels") == true) // only when asked: its marker lines are for bench/run's kernel report
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            Console.WriteLine($"#kernel-probe {Shapes.DTypeName(dtype)}");
            Console.Out.Flush();
            using var scope = NewDisposeScope();
            var a = randn(256, 256).to(dtype);
            var w = randn(512, 256).to(dtype);
            for (int i = 0; i < 2; i++) { matmul(a, a).sum().to(ScalarType.Float32).item<float>(); nn.functional.linear(a, w).sum().to(ScalarType.Float32).item<float>(); }
            Console.WriteLine("#kernel-probe end");
            Console.Out.Flush();
        }

    if (opts.Runs("matmul"))
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 }.Where(d => opts.Runs("matmul", $"matmul_{Shapes.DTypeName(d)}")))
            Emit(new JsonObject { ["what"] = "matmul", ["dtype"] = Shapes.DTypeName(dtype), ["n"] = 1024, ["gflops"] = Math.Round(Matmul(1024, dtype, opts.Quick ? 5 : 20), 1) });

    if (opts.Runs("sft"))
        foreach (var name in new[] { "student", "30m" })
            foreach (var precision in new[] { Precision.Fp32, Precision.Bf16 }.Where(p => opts.Runs("sft", $"sft_{name}_{(p == Precision.Bf16 ? "bf16" : "fp32")}")))
            {
                var config = Shapes.Create(name);
                int batch = 16, seq = 256, warmup = 1, steps = opts.Quick ? 2 : (name == "30m" ? 4 : 10);
                Log($"sft {name} {precision}: {config.ParameterCount:N0} parameters, {batch}×{seq}, {warmup}+{steps} steps");
                double tps = Throughput.SftTokensPerSecond(config, CPU, precision, batch, seq, warmup, steps, gradientCheckpointing: false, Path.Combine(work, "sft"));
                Emit(new JsonObject
                {
                    ["what"] = "sft", ["model"] = name, ["precision"] = precision == Precision.Bf16 ? "bf16" : "fp32", ["params"] = config.ParameterCount,
                    ["batch"] = batch, ["seq_len"] = seq, ["tokens_per_s"] = Math.Round(tps, 1),
                    ["gflops"] = Math.Round(tps * Shapes.TrainingFlopsPerToken(config, seq) / 1e9, 1),
                });
            }

    if (opts.Runs("decode"))
    {
        var config = Shapes.Create("student");
        using var model = new CausalLM(config);
        ModelInit.Initialize(model, 1);
        model.eval();
        int prompt = 16, newTokens = opts.Quick ? 32 : 256;
        foreach (int b in new[] { 1, 16, 64 })
        {
            Log($"decode student, KV cache, batch {b}, {newTokens} new tokens");
            Emit(new JsonObject { ["what"] = "decode", ["model"] = "student", ["cache"] = true, ["batch"] = b, ["prompt_len"] = prompt, ["new_tokens"] = newTokens, ["tokens_per_s"] = Math.Round(Decode(model, b, prompt, newTokens), 1) });
        }
        Log($"decode student, no cache, batch 16, {newTokens} new tokens");
        Emit(new JsonObject { ["what"] = "decode", ["model"] = "student", ["cache"] = false, ["batch"] = 16, ["prompt_len"] = prompt, ["new_tokens"] = newTokens, ["tokens_per_s"] = Math.Round(DecodeNoCache(model, 16, prompt, newTokens), 1) });
    }

    if (opts.Runs("rl"))
    {
        Log("rl: one step of the demo's shape (8 prompts × 8 samples, ≤ 96 new tokens), fresh student: every rollout runs to 96 tokens");
        var split = RlStep(work, opts.Quick ? 1 : 3);
        Emit(new JsonObject { ["what"] = "rl_step", ["model"] = "student", ["rollouts"] = 64, ["max_new_tokens"] = 96, ["rollout_s"] = Math.Round(split.Rollout, 3), ["reference_s"] = Math.Round(split.Reference, 3), ["update_s"] = Math.Round(split.Update, 3) });
    }

    if (opts.Runs("tokenizer"))
    {
        var (mb, cold, steady) = Tokenizer(work);
        Emit(new JsonObject { ["what"] = "tokenizer", ["tokenizer"] = "qwen3", ["corpus"] = "gsm8k test questions", ["mb"] = Math.Round(mb, 3), ["mb_per_s"] = Math.Round(cold, 2), ["mb_per_s_steady"] = Math.Round(steady, 2) });
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}
return 0;

static void Log(string line) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");
static void Emit(JsonObject line) { line["impl"] = "bard"; Console.WriteLine(line.ToJsonString()); Console.Out.Flush(); }

// n³ matrix product, median of `repeats` after 3 warm-ups: 2n³ FLOPs each.
static double Matmul(int n, ScalarType dtype, int repeats)
{
    using var scope = NewDisposeScope();
    using var gen = new Generator(1);
    var a = randn([n, n], generator: gen).to(dtype);
    var b = randn([n, n], generator: gen).to(dtype);
    for (int i = 0; i < 3; i++) a.matmul(b).Dispose();
    var times = new List<double>();
    for (int i = 0; i < repeats; i++)
    {
        var sw = Stopwatch.StartNew();
        a.matmul(b).Dispose();
        times.Add(sw.Elapsed.TotalSeconds);
    }
    times.Sort();
    return 2.0 * n * n * n / times[times.Count / 2] / 1e9;
}

static List<IReadOnlyList<int>> Prompts(int batch, int length, int vocab)
{
    var rng = new Random(2);
    return Enumerable.Range(0, batch).Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, length).Select(_ => rng.Next(1, vocab)).ToArray()).ToList();
}

// Greedy generation with TokenGenerator (preallocated KV cache), no stop tokens: batch · newTokens / time, the
// prefill of the short prompt included. One untimed run first.
static double Decode(CausalLM model, int batch, int promptLen, int newTokens)
{
    var prompts = Prompts(batch, promptLen, model.Config.VocabSize);
    var generator = new TokenGenerator(model);
    var options = new GenerationOptions { MaxNewTokens = newTokens, Temperature = 0, StopTokenIds = [], PadTokenId = 0 };
    generator.Generate(prompts, options with { MaxNewTokens = 8 });
    var sw = Stopwatch.StartNew();
    var outputs = generator.Generate(prompts, options);
    if (outputs.Any(o => o.Tokens.Length != newTokens)) throw new InvalidOperationException("decode stopped early");
    return batch * (double)newTokens / sw.Elapsed.TotalSeconds;
}

// The same greedy loop without a cache: every step runs the whole sequence and takes the last position's logits.
static double DecodeNoCache(CausalLM model, int batch, int promptLen, int newTokens)
{
    using var noGrad = no_grad();
    var prompts = Prompts(batch, promptLen, model.Config.VocabSize);
    var ids = tensor(prompts.SelectMany(p => p).Select(x => (long)x).ToArray(), [batch, promptLen]);
    var sw = Stopwatch.StartNew();
    for (int i = 0; i < newTokens; i++)
    {
        using var scope = NewDisposeScope();
        var hidden = model.Hidden(ids);
        var next = model.Logits(hidden.narrow(1, hidden.shape[1] - 1, 1)).argmax(-1); // [B, 1]
        var longer = cat([ids, next], 1).DetachFromDisposeScope();
        ids.Dispose();
        ids = longer;
    }
    double seconds = sw.Elapsed.TotalSeconds;
    ids.Dispose();
    return batch * (double)newTokens / seconds;
}

// RlTrainer steps of the demo's shape on a freshly initialised student; the last steps' mean split (the first is warm-up).
static (double Rollout, double Reference, double Update) RlStep(string work, int timedSteps)
{
    var task = new EmbeddedTask(new EmbeddedTaskOptions { MaxOperations = 5 });
    string tokDir = Path.Combine(work, "tokenizer");
    task.SaveTokenizer(tokDir);
    var chat = StudentChat.Load(tokDir);
    var config = Shapes.Create("student") with { EosTokenIds = [chat.EndOfTurnId], PadTokenId = chat.Tokenizer.TokenToId("<pad>") };
    using var policy = new CausalLM(config);
    ModelInit.Initialize(policy, 1);
    var problems = Enumerable.Range(0, 64).Select(i => task.Generate(7, i)).ToList();
    var verifier = AnswerVerifiers.For(AnswerKind.Task);
    var env = new ChatEnvironment(chat, (p, a) => verifier.Check(a, p.Answer).Correct);
    var rl = new RlConfig
    {
        GroupSize = 8, PromptsPerStep = 8, MaxSteps = 1 + timedSteps, LearningRate = 5e-5, Temperature = 1.0,
        BudgetSampling = BudgetSampling.List, Budgets = [2, 4, 6, 8, 12, 16, 24, 32], MaxCompletionTokens = 96,
        EvalEvery = 0, DropZeroStdGroups = false, Seed = 1,
    };
    var metrics = new RlTrainer(rl).Train(policy, problems, env, new RlRun { OutDir = Path.Combine(work, "rl"), TensorBoard = false });
    var timed = metrics.Skip(1).ToList();
    return (timed.Average(m => m["rollout_s"]), timed.Average(m => m["reference_s"]), timed.Average(m => m["update_s"]));
}

// The Qwen3 tokenizer on GSM8K's test questions: a fresh tokenizer (empty piece cache) after the JIT was warmed on
// other text (MATH-500 problems), then the steady state (piece cache warm, 5 passes).
static (double Mb, double Cold, double Steady) Tokenizer(string work)
{
    string root = Shapes.RepoRoot();
    string dir = Path.Combine(work, "qwen3");
    Directory.CreateDirectory(dir);
    string fixture = Path.Combine(root, "tests/Bard.Tests/Fixtures/tokenizers/qwen3");
    using (var gz = new System.IO.Compression.GZipStream(File.OpenRead(Path.Combine(fixture, "tokenizer.json.gz")), System.IO.Compression.CompressionMode.Decompress))
    using (var outFile = File.Create(Path.Combine(dir, "tokenizer.json"))) gz.CopyTo(outFile);
    File.Copy(Path.Combine(fixture, "tokenizer_config.json"), Path.Combine(dir, "tokenizer_config.json"));
    string[] Texts(string file, string field) => File.ReadLines(Path.Combine(root, "data/benchmarks", file)).Where(l => l.Trim().Length > 0)
        .Select(l => JsonDocument.Parse(l).RootElement.GetProperty(field).GetString()!).ToArray();
    var texts = Texts("gsm8k/test.jsonl", "question");
    double mb = texts.Sum(t => (double)Encoding.UTF8.GetByteCount(t)) / 1e6;
    var warmup = HfTokenizer.Load(dir); // JIT warm-up on other text, with a tokenizer of its own
    foreach (var t in Texts("math500/test.jsonl", "problem")) warmup.Encode(t);
    var tokenizer = HfTokenizer.Load(dir);
    double Pass(int repeats)
    {
        var sw = Stopwatch.StartNew();
        for (int r = 0; r < repeats; r++) foreach (var t in texts) tokenizer.Encode(t);
        return repeats * mb / sw.Elapsed.TotalSeconds;
    }
    double cold = Pass(1);
    double steady = Pass(5);
    return (mb, cold, steady);
}

sealed record BenchArgs(bool Quick, int Threads, HashSet<string>? Only)
{
    public bool Runs(string section) => Only is null || Only.Contains(section) || Only.Any(o => o.StartsWith(section + "_", StringComparison.Ordinal));
    /// <summary>Measurement <paramref name="id"/> of <paramref name="section"/>: its section or the id itself was asked for.</summary>
    public bool Runs(string section, string id) => Only is null || Only.Contains(section) || Only.Contains(id);

    public static BenchArgs Parse(string[] args)
    {
        bool quick = false; int threads = 0; HashSet<string>? only = null;
        for (int i = 0; i < args.Length; i++)
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--threads": threads = int.Parse(args[++i]); break;
                case "--only": only = args[++i].Split(',').ToHashSet(); break;
                default: throw new ArgumentException($"Bard.Bench: unknown argument '{args[i]}'; use [--quick] [--threads N] [--only matmul,sft,decode,rl,tokenizer,kernels or single measurements such as sft_student_bf16]");
            }
        return new BenchArgs(quick, threads, only);
    }
}

/// <summary>The two CPU benchmark models; bench/pytorch_bench.py builds the same shapes.</summary>
static class Shapes
{
    // The embedded-task student: the demo's "small" preset over the task's character vocabulary.
    public static ModelConfig Create(string name) => name switch
    {
        "student" => ModelPresets.Create("small", StudentVocab, maxPositions: 2048),
        // ~30M parameters: d=512, 8 layers, 8 heads, SwiGLU 3·d, a 4,096-token vocabulary (tied).
        "30m" => ModelPresets.Create("small", 4096, maxPositions: 2048) with { HiddenSize = 512, NumLayers = 8, NumHeads = 8, NumKvHeads = 8, HeadDim = 64, IntermediateSize = 1536 },
        _ => throw new ArgumentException(name),
    };

    public static int StudentVocab { get; } = CharTokenizerBuilder.Build(EmbeddedTask.StudentTokenizer).VocabSize;

    /// <summary>6 × matrix parameters (the tied output projection included, the embedding lookup not) + 12·L·H·D·T.</summary>
    public static double TrainingFlopsPerToken(ModelConfig c, long seq) => Bard.Bench.BenchShapes.TrainingFlopsPerToken(c, seq);

    public static string DTypeName(ScalarType t) => t == ScalarType.BFloat16 ? "bf16" : "fp32";

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Bard.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("Bard.Bench: run it from inside the repository (no Bard.slnx above " + AppContext.BaseDirectory + ")");
    }
}
