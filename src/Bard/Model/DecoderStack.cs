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

    /// <summary>
    /// Forward and backward with activation recomputation (gradient checkpointing, as transformers'
    /// <c>gradient_checkpointing_enable()</c> does per decoder layer). TorchSharp has no
    /// <c>torch.utils.checkpoint</c>, so the backward pass is run by hand:
    /// 1. forward without a graph, keeping only each layer's input [B, T, d];
    /// 2. <paramref name="head"/>(norm(x_L)) with a graph, backward → d loss / d x_L;
    /// 3. for each layer from the last: recompute it from its saved input with a graph, backward with the
    ///    incoming gradient (parameter gradients accumulate in <c>.grad</c>), pass d/d input down;
    /// 4. the embeddings, backward with the gradient of x_0.
    /// Gradients equal those of <c>head(Forward(..)).backward()</c> (the same operations in the same order).
    /// Returns the detached loss.
    /// </summary>
    public Tensor BackwardWithRecompute(Tensor ids, Tensor positionIds, Tensor? mask, Func<Tensor, Tensor> head)
    {
        using var scope = NewDisposeScope();
        var inputs = new Tensor[Layers.Count + 1];
        Tensor cos, sin;
        using (no_grad())
        {
            inputs[0] = Embeddings.forward(ids);
            (cos, sin) = rotary.Angles(positionIds, inputs[0].dtype);
            for (int i = 0; i < Layers.Count; i++) inputs[i + 1] = Layers[i].Forward(inputs[i], cos, sin, mask, null);
        }
        Tensor loss, grad;
        using (var headScope = NewDisposeScope())
        {
            var last = inputs[^1].detach().requires_grad_(true);
            var l = head(Norm.forward(last));
            l.backward();
            loss = l.detach().MoveToOuterDisposeScope();
            grad = last.grad!.detach().MoveToOuterDisposeScope();
        }
        for (int i = Layers.Count - 1; i >= 0; i--)
        {
            using var layerScope = NewDisposeScope();
            var x = inputs[i].detach().requires_grad_(true);
            var y = Layers[i].Forward(x, cos, sin, mask, null);
            y.backward([grad]);
            var below = x.grad!.detach().MoveToOuterDisposeScope();
            grad.Dispose();
            grad = below;
            inputs[i + 1].Dispose(); // no longer needed: free it now, not at the end of the step
        }
        // A frozen embedding (LoRA trains the linear layers only) takes no gradient: nothing below the first layer to do.
        using (var embedScope = NewDisposeScope())
        using (var weight = Embeddings.weight!)
            if (weight.requires_grad) Embeddings.forward(ids).backward([grad]);
        grad.Dispose();
        return loss.MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) rotary.Dispose();
        base.Dispose(disposing);
    }
}
