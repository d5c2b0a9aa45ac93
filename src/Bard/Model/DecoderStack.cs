using TorchSharp.Modules;
using TorchSharp.Utils;
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
    [ComponentName(Name = "embed_tokens")] readonly Embedding embeddings;
    [ComponentName(Name = "layers")] readonly ModuleList<DecoderLayer> layers;
    [ComponentName(Name = "norm")] readonly RmsNorm norm;

    public DecoderStack(ModelConfig config) : base(nameof(DecoderStack))
    {
        this.config = config;
        embeddings = nn.Embedding(config.VocabSize, config.HiddenSize);
        layers = nn.ModuleList(Enumerable.Range(0, config.NumLayers).Select(i => new DecoderLayer(config, i)).ToArray());
        norm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        rotary = new RotaryEmbedding(config);
        RegisterComponents();
    }

    public Embedding Embeddings => embeddings;
    public ModuleList<DecoderLayer> Layers => layers;
    public RmsNorm Norm => norm;

    /// <summary>
    /// ids [B, T] → final hidden states [B, T, d] (after the norm). <paramref name="mask"/>: additive
    /// [B, 1, T, S] or null (plain causal). When <paramref name="hiddenStates"/> is given it receives the
    /// embeddings, every layer's output but the last, and the normed final output, as transformers returns them;
    /// they belong to no dispose scope: the caller disposes them.
    /// </summary>
    public Tensor Forward(Tensor ids, Tensor positionIds, Tensor? mask, KvCache? cache, IList<Tensor>? hiddenStates)
    {
        using var scope = NewDisposeScope();
        var x = Embeddings.forward(ids);
        var (cos, sin) = rotary.Angles(positionIds, x.dtype);
        for (int i = 0; i < Layers.Count; i++)
        {
            if (hiddenStates is not null) hiddenStates.Add(x.detach().DetachFromDisposeScope());
            x = Layers[i].Forward(x, cos, sin, mask, cache);
        }
        x = Norm.forward(x);
        cache?.Advance(ids.shape[1]);
        var result = x.MoveToOuterDisposeScope();
        hiddenStates?.Add(result.detach().DetachFromDisposeScope());
        return result;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) rotary.Dispose();
        base.Dispose(disposing);
    }
}
