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

    public Sampler(GenerationOptions options, Device device)
    {
        options.Validate();
        this.options = options;
        if (!options.Greedy) generator = new Generator((ulong)options.Seed, device);
    }

    /// <summary>logits [B, V] → token ids [B] (int64).</summary>
    public Tensor Next(Tensor logits)
    {
        using var scope = NewDisposeScope();
        var l = logits.to(ScalarType.Float32);
        if (options.Greedy) return l.argmax(-1).MoveToOuterDisposeScope();
        l = Filter(l / options.Temperature, options.TopK, options.TopP);
        var probs = l.softmax(-1);
        return multinomial(probs, 1, generator: generator).squeeze(-1).MoveToOuterDisposeScope();
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
