using System.Diagnostics;
using Bard.Model;
using Bard.Training;
using static TorchSharp.torch;

// Quick SFT-step throughput probe (the full benchmark lives in bench/run).
string preset = args.Length > 0 ? args[0] : "small";
int steps = args.Length > 1 ? int.Parse(args[1]) : 10;
var precision = args.Length > 2 && args[2] == "bf16" ? Precision.Bf16 : Precision.Fp32;
var batching = args.Length > 3 && args[3] == "padded" ? Batching.Padded : Batching.Packed;
int minLen = args.Length > 4 ? int.Parse(args[4]) : 40, maxLen = args.Length > 5 ? int.Parse(args[5]) : 120;
int seqLen = args.Length > 6 ? int.Parse(args[6]) : 256, batch = args.Length > 7 ? int.Parse(args[7]) : 16;
var rng = new Random(1);
var data = Enumerable.Range(0, 4000).Select(_ =>
{
    int len = rng.Next(minLen, maxLen);
    var ids = Enumerable.Range(0, len).Select(_ => rng.Next(3, 60)).ToArray();
    return TrainingSequence.PromptCompletion(ids[..10], ids[10..]);
}).ToList();
using var model = new CausalLM(ModelPresets.Create(preset, 64));
ModelInit.Initialize(model, 1);
var dir = Path.Combine(Path.GetTempPath(), "bard-bench-" + Guid.NewGuid().ToString("N")[..8]);
var sw = Stopwatch.StartNew();
var metrics = new SftTrainer(new SftConfig { MaxSteps = steps, BatchSize = batch, MaxSeqLen = seqLen, Precision = precision, Batching = batching, EvalEvery = 0 })
    .Train(model, data, null, new SftRun { OutDir = dir, TensorBoard = false });
var tail = metrics.Skip(2).ToList();
Console.WriteLine($"{preset} {precision} {batching} len {minLen}-{maxLen} rows {batch}x{seqLen}: {model.Config.ParameterCount:N0} params, {tail.Average(m => m.TokensPerSecond):N0} tokens/s (steps 3..{steps}), total {sw.Elapsed.TotalSeconds:F1}s, threads {get_num_threads()}");
Directory.Delete(dir, true);
