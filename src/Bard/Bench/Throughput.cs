using System.Diagnostics;
using Bard.Inference;
using Bard.Model;
using Bard.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Bench;

/// <summary>
/// Throughput of Bard's own training and decoding code on a device, for randomly initialised models (the
/// default initialisation of the modules: throughput does not depend on the values). Measures the real paths:
/// <see cref="SftTrainer"/> steps (bf16 compute, fp32 master weights and AdamW) and the
/// <see cref="TokenGenerator"/> decode loop with its preallocated KV cache.
/// </summary>
public static class Throughput
{
    /// <summary>
    /// SFT tokens per second: <paramref name="warmup"/> + <paramref name="steps"/> optimizer steps of
    /// <paramref name="batch"/> × <paramref name="seqLen"/> tokens (every token a target); the warm-up steps
    /// (allocator, kernel selection) are not counted. Each step ends with a host read of the loss, so the
    /// step times are synchronised. With <paramref name="lora"/>: LoRA adapters on the frozen base (bf16 in
    /// <see cref="Precision.Bf16"/>), as <c>bard sft --lora-r</c> trains them.
    /// </summary>
    public static double SftTokensPerSecond(ModelConfig config, Device device, Precision precision, int batch, int seqLen,
        int warmup, int steps, bool gradientCheckpointing, string workDir, Lora.LoraConfig? lora = null)
    {
        using var model = new CausalLM(config);
        model.to(device);
        var rng = new Random(1);
        var data = Enumerable.Range(0, batch * (warmup + steps)).Select(_ =>
            TrainingSequence.PromptCompletion([rng.Next(1, config.VocabSize)], Enumerable.Range(0, seqLen - 1).Select(_ => rng.Next(1, config.VocabSize)).ToArray()))
            .ToList();
        var sft = new SftConfig
        {
            MaxSteps = warmup + steps, BatchSize = batch, MaxSeqLen = seqLen, Batching = Batching.Padded, Precision = precision,
            GradientCheckpointing = gradientCheckpointing, LearningRate = 1e-5, WarmupSteps = 0, EvalEvery = 0, Lora = lora,
        };
        var metrics = new SftTrainer(sft).Train(model, data, null, new SftRun { OutDir = workDir, TensorBoard = false, SaveCheckpoints = false });
        var timed = metrics.Skip(warmup).ToList();
        // Total tokens over total time (every step has the same tokens).
        return timed.Sum(m => (double)m.Tokens) / timed.Sum(m => m.Tokens / m.TokensPerSecond);
    }

    /// <summary>
    /// KV-cache decode tokens per second at <paramref name="batch"/> sequences: greedy generation of
    /// <paramref name="newTokens"/> tokens after a prompt of <paramref name="promptLen"/>, minus a run of one new token
    /// (the prefill), so only the decode steps count: batch · (newTokens − 1) / (t(newTokens) − t(1)).
    /// </summary>
    public static double DecodeTokensPerSecond(CausalLM model, int batch, int promptLen, int newTokens)
    {
        var rng = new Random(2);
        var prompts = Enumerable.Range(0, batch).Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, promptLen).Select(_ => rng.Next(1, model.Config.VocabSize)).ToArray()).ToList();
        var generator = new TokenGenerator(model);
        double Time(int n)
        {
            var options = new GenerationOptions { MaxNewTokens = n, Temperature = 0, StopTokenIds = [], PadTokenId = 0 };
            var clock = Stopwatch.StartNew();
            generator.Generate(prompts, options);
            return clock.Elapsed.TotalSeconds;
        }
        Time(2); // warm-up
        double prefill = Time(1), full = Time(newTokens);
        return batch * (newTokens - 1) / Math.Max(full - prefill, 1e-9);
    }

    /// <summary>A randomly initialised model in <paramref name="dtype"/> on <paramref name="device"/>, in eval mode.</summary>
    public static CausalLM InferenceModel(ModelConfig config, ScalarType dtype, Device device)
    {
        var model = new CausalLM(config);
        model.to(dtype).to(device);
        model.eval();
        return model;
    }
}
