using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bard.Model;

/// <summary>
/// The transformer body (Hugging Face's <c>LlamaModel</c>/<c>Qwen3Model</c>, weights under <c>model.</c>):
/// token embeddings, decoder layers, final RMSNorm. Produces hidden states, not logits.
/// </summary>
public sealed class DecoderStack : nn.Module
{
    readonly ModelConfig config;
    readonly RotaryEmbedding rotary;

    public DecoderStack(ModelConfig config) : base(nameof(DecoderStack))
    {
        this.config = config;
        Embeddings = nn.Embedding(config.VocabSize, config.HiddenSize);
        Layers = nn.ModuleList(Enumerable.Range(0, config.NumLayers).Select(i => new DecoderLayer(config, i)).ToArray());
        Norm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        rotary = new RotaryEmbedding(config);
        register_module("embed_tokens", Embeddings);
        register_module("layers", Layers);
        register_module("norm", Norm);
    }

    public Embedding Embeddings { get; }
    public ModuleList<DecoderLayer> Layers { get; }
    public RmsNorm Norm { get; }

    /// <summary>
    /// ids [B, T] → final hidden states [B, T, d] (after the norm). <paramref name="mask"/>: additive
    /// [B, 1, T, S] or null (plain causal). When <paramref name="hiddenStates"/> is given it receives the
    /// embeddings, every layer's output but the last, and the normed final output, as transformers returns them.
    /// </summary>
    public Tensor Forward(Tensor ids, Tensor positionIds, Tensor? mask, KvCache? cache, IList<Tensor>? hiddenStates)
    {
        using var scope = NewDisposeScope();
        var x = Embeddings.forward(ids);
        var (cos, sin) = rotary.Angles(positionIds, x.dtype);
        for (int i = 0; i < Layers.Count; i++)
        {
            if (hiddenStates is not null) hiddenStates.Add(x.MoveToOuterDisposeScope());
            x = Layers[i].Forward(x, cos, sin, mask, cache);
        }
        x = Norm.forward(x);
        cache?.Advance(ids.shape[1]);
        var result = x.MoveToOuterDisposeScope();
        hiddenStates?.Add(result); // the same tensor as the return value, as in transformers
        return result;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) rotary.Dispose();
        base.Dispose(disposing);
    }
}
