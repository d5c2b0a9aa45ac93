using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Inference;

/// <summary>
/// Picks the next token from logits: greedy, or temperature sampling with optional top-k and top-p
/// filtering, from a seeded generator. Pure tensor maths; knows nothing about models.
/// </summary>
public sealed class Sampler : IDisposable
{
    readonly GenerationOptions options;
    readonly Generator? generator;
    int step;

    public Sampler(GenerationOptions options)
    {
        options.Validate();
        this.options = options;
        // Always a CPU generator: TorchSharp 0.107 creates CPU generators whatever device it is given, and a CUDA
        // multinomial refuses them ("Expected a 'cuda' device type for generator"). Off the CPU, Next draws its
        // uniforms on the CPU and samples by inverting the CDF on the device (see InverseCdf).
        if (!options.Greedy) generator = new Generator((ulong)options.Seed);
    }

    /// <summary>
    /// logits [B, V] → token ids [B] (int64). Each call is one decoding step (1, 2, …). Throws <see cref="BardException"/>
    /// naming the step when a logit is NaN or ±Inf: sampling from them would pick garbage (greedy takes the NaN's index,
    /// multinomial fails natively).
    /// </summary>
    public Tensor Next(Tensor logits)
    {
        using var scope = NewDisposeScope();
        step++;
        var l = logits.to(ScalarType.Float32);
        // One small reduction and read-back per step, next to the B ids the generator reads anyway.
        if (!isfinite(l).all().item<bool>())
        {
            long rows = (~isfinite(l).all(-1)).sum().item<long>();
            throw new BardException($"decoding step {step}: the logits are not finite ({rows} of {l.shape[0]} rows hold NaN or ±Inf), so no token can be "
                + "sampled. The model's weights or activations are not finite: corrupt or diverged weights, or an overflow in float16. "
                + "Fix: use an earlier checkpoint, or run in float32 or bfloat16 (--dtype).");
        }
        if (options.Greedy) return l.argmax(-1).MoveToOuterDisposeScope();
        l = Filter(l / options.Temperature, options.TopK, options.TopP);
        var probs = l.softmax(-1);
        if (probs.device_type == DeviceType.CPU)
            return multinomial(probs, 1, generator: generator).squeeze(-1).MoveToOuterDisposeScope();
        var u = rand([probs.shape[0], 1], dtype: ScalarType.Float32, generator: generator).to(probs.device); // B floats up, per step
        return InverseCdf(probs, u).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One token per row of <paramref name="probs"/> [B, V] for uniforms <paramref name="u"/> [B, 1] in [0, 1): the
    /// first index whose cumulative probability exceeds u · total, so a token of probability 0 is never drawn.
    /// Returns int64 ids [B].
    /// </summary>
    public static Tensor InverseCdf(Tensor probs, Tensor u)
    {
        using var scope = NewDisposeScope();
        long v = probs.shape[^1];
        var cdf = probs.to(ScalarType.Float32).cumsum(-1);
        var target = u.to(ScalarType.Float32) * cdf.narrow(-1, v - 1, 1);
        return searchsorted(cdf, target, right: true).clamp_max(v - 1).squeeze(-1).to(ScalarType.Int64).MoveToOuterDisposeScope();
    }

    /// <summary>Sets logits outside the top-k and outside the top-p nucleus to −∞ (the most likely token always stays).</summary>
    public static Tensor Filter(Tensor logits, int topK, double topP)
    {
        using var scope = NewDisposeScope();
        var l = logits;
        long v = l.shape[^1];
        if (topK > 0 && topK < v)
        {
            var kth = l.topk(topK, -1).values.narrow(-1, topK - 1, 1); // [B, 1]
            l = l.masked_fill(l < kth, double.NegativeInfinity);
        }
        if (topP < 1.0)
        {
            var (sorted, order) = l.sort(-1, descending: true);
            var probs = sorted.softmax(-1);
            // Drop a token when the tokens ranked above it already reach p.
            var before = probs.cumsum(-1) - probs;
            var dropSorted = before >= topP;
            var drop = zeros_like(dropSorted).scatter(-1, order, dropSorted);
            l = l.masked_fill(drop, double.NegativeInfinity);
        }
        return l.MoveToOuterDisposeScope();
    }

    public void Dispose() => generator?.Dispose();
}
