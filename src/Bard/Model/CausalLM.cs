using Bard.Lora;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Bard.Model;

/// <summary>
/// A decoder-only causal language model of the Llama / Qwen2 / Qwen3 families, weight-compatible with
/// Hugging Face's <c>*ForCausalLM</c>: <c>model.*</c> is the <see cref="DecoderStack"/>, <c>lm_head</c> the
/// output projection (absent when embeddings are tied: the logits then use the embedding matrix itself).
/// Works on token ids only; knows nothing about text.
/// </summary>
public sealed class CausalLM : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "model")] readonly DecoderStack body;
    [ComponentName(Name = "lm_head")] readonly Linear? lmHead;

    /// <summary>Builds a randomly initialised model in float32 on the CPU; use <see cref="Checkpoint.Load"/> for pretrained weights.</summary>
    public CausalLM(ModelConfig config) : base(nameof(CausalLM))
    {
        config.Validate();
        Config = config;
        body = new DecoderStack(config);
        // Tied embeddings: no lm_head at all; Logits uses the embedding matrix itself.
        if (!config.TieWordEmbeddings) lmHead = nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        RegisterComponents();
    }

    public ModelConfig Config { get; }

    /// <summary>
    /// Every linear layer of the decoder (q/k/v/o and gate/up/down of each layer, in order; not <c>lm_head</c>), with its
    /// module path as Hugging Face names it (<c>model.layers.0.self_attn.q_proj</c>) and the slot a LoRA adapter goes in.
    /// </summary>
    public IReadOnlyList<DecoderLinear> DecoderLinears() =>
        Body.Layers.SelectMany((layer, i) => layer.Projections().Select(p => new DecoderLinear($"model.layers.{i}.{p.Name}", i, p.Linear, p.Slot))).ToList();

    /// <summary>The LoRA adapters attached to this model (<see cref="LoraAdapters.Attach"/>, <see cref="LoraAdapters.Load"/>), or null.</summary>
    public LoraAdapters? Adapters { get; internal set; }
    public DecoderStack Body => body;

    /// <summary>The dtype of the weights (the compute dtype).</summary>
    public ScalarType DType
    {
        get
        {
            // TorchSharp's weight getter returns a new handle each time: dispose it, or it leaks.
            using var w = Body.Embeddings.weight!;
            return w.dtype;
        }
    }

    public Device Device
    {
        get
        {
            using var w = Body.Embeddings.weight!;
            return w.device;
        }
    }

    /// <summary>Logits [B, T, V] for ids [B, T] with no padding and no cache.</summary>
    public override Tensor forward(Tensor ids) => Forward(ids);

    /// <summary>
    /// Logits [B, T, V] for <paramref name="ids"/> [B, T].
    /// <paramref name="attentionMask"/> [B, S] (1 = real token, 0 = padding) covers the cached positions
    /// and the new ones (S = cache length + T); <paramref name="positionIds"/> [B, T] default to
    /// cumsum(mask) − 1 clamped at 0, or to consecutive positions without a mask.
    /// </summary>
    public Tensor Forward(Tensor ids, Tensor? attentionMask = null, Tensor? positionIds = null,
        KvCache? cache = null, IList<Tensor>? hiddenStates = null, Tensor? attentionBias = null)
    {
        using var scope = NewDisposeScope();
        var hidden = Hidden(ids, attentionMask, positionIds, cache, hiddenStates, attentionBias);
        return Logits(hidden).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Final hidden states [B, T, d] (after the last norm), the input of <see cref="Logits"/>.
    /// <paramref name="attentionBias"/>, an additive [B, 1, T, S] mask, replaces the one built from
    /// <paramref name="attentionMask"/> (packed training rows use it for their block-diagonal mask; pass positionIds too).
    /// </summary>
    public Tensor Hidden(Tensor ids, Tensor? attentionMask = null, Tensor? positionIds = null,
        KvCache? cache = null, IList<Tensor>? hiddenStates = null, Tensor? attentionBias = null)
    {
        using var scope = NewDisposeScope();
        var (positions, mask) = PositionsAndMask(ids, attentionMask, positionIds, cache?.Length ?? 0, attentionBias);
        return Body.Forward(ids, positions, mask, cache, hiddenStates).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Gradient checkpointing: accumulates into every parameter's <c>.grad</c> the gradient of
    /// <paramref name="loss"/>(logits) and returns that loss (detached). Same inputs as <see cref="Forward"/>
    /// (no cache). Only each decoder layer's input is kept from the forward pass; each layer's activations
    /// are recomputed during a layer-by-layer backward (see <see cref="DecoderStack.BackwardWithRecompute"/>),
    /// so activation memory is one layer's plus L × [B, T, d] instead of all L layers'.
    /// </summary>
    public Tensor BackwardWithRecompute(Tensor ids, Func<Tensor, Tensor> loss, Tensor? attentionMask = null,
        Tensor? positionIds = null, Tensor? attentionBias = null)
    {
        using var scope = NewDisposeScope();
        var (positions, mask) = PositionsAndMask(ids, attentionMask, positionIds, 0, attentionBias);
        return Body.BackwardWithRecompute(ids, positions, mask, hidden => loss(Logits(hidden))).MoveToOuterDisposeScope();
    }

    /// <summary>Position ids [B, T] and the additive mask (or null for plain causal attention) of a forward pass.</summary>
    (Tensor Positions, Tensor? Mask) PositionsAndMask(Tensor ids, Tensor? attentionMask, Tensor? positionIds, long past, Tensor? attentionBias)
    {
        long t = ids.shape[1];
        if (attentionMask is not null && attentionMask.shape[1] != past + t)
            throw new ArgumentException($"attention mask covers {attentionMask.shape[1]} positions, expected cache length {past} + {t} new.");
        positionIds ??= attentionMask is not null
            ? PositionsFromMask(attentionMask).narrow(1, past, t)
            : arange(past, past + t, dtype: ScalarType.Int64, device: ids.device).unsqueeze(0).expand(ids.shape[0], t);
        Tensor? mask = attentionBias
            ?? (attentionMask is null && (past == 0 || t == 1) ? null : AdditiveMask(attentionMask, ids.shape[0], past, t, DType, ids.device));
        return (positionIds, mask);
    }

    /// <summary>Output projection: hidden [.., d] → logits [.., V].</summary>
    public Tensor Logits(Tensor hidden) =>
        lmHead is not null ? lmHead.forward(hidden) : nn.functional.linear(hidden, Body.Embeddings.weight!);

    /// <summary>Position ids from a padding mask [B, S]: cumsum(mask) − 1, clamped at 0 (left padding gets 0).</summary>
    public static Tensor PositionsFromMask(Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        return (attentionMask.to(ScalarType.Int64).cumsum(1) - 1).clamp_min(0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Additive mask [B, 1, T, S]: 0 where query i (absolute position past + i) may see key j — j ≤ past + i
    /// and key j is not padding — and the dtype's lowest value elsewhere. A finite value (not −∞) keeps a
    /// fully masked row (a padding query) finite, as transformers does, so no NaN reaches real tokens.
    /// </summary>
    public static Tensor AdditiveMask(Tensor? attentionMask, long batch, long past, long t, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        long s = past + t;
        var q = arange(past, s, dtype: ScalarType.Int64, device: device).unsqueeze(1); // [T, 1]
        var k = arange(0, s, dtype: ScalarType.Int64, device: device).unsqueeze(0);    // [1, S]
        var allowed = (k <= q).unsqueeze(0).unsqueeze(0);                                 // [1, 1, T, S]
        if (attentionMask is not null)
            allowed = allowed.logical_and(attentionMask.to(ScalarType.Bool).view(batch, 1, 1, s));
        else
            allowed = allowed.expand(batch, 1, t, s);
        return BiasFromAllowed(allowed, dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Boolean "may attend" [.., T, S] → additive mask: 0 where allowed, the dtype's lowest finite value elsewhere.</summary>
    public static Tensor BiasFromAllowed(Tensor allowed, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var lowest = dtype switch
        {
            ScalarType.Float16 => -65504.0,
            ScalarType.BFloat16 => -3.3895313892515355e38,
            ScalarType.Float64 => double.MinValue,
            _ => float.MinValue,
        };
        var zero = zeros(1, dtype: dtype, device: allowed.device);
        return where(allowed, zero, full(1, lowest, dtype: dtype, device: allowed.device)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// log p(ids[t+1] | ids[..t]) for every position: [B, T−1], computed in float32 (float64 for a float64 model) from the logits.
    /// </summary>
    public Tensor TokenLogProbs(Tensor ids, Tensor? attentionMask = null)
    {
        using var scope = NewDisposeScope();
        var logits = Forward(ids, attentionMask);
        long t = ids.shape[1];
        var logp = logits.narrow(1, 0, t - 1).ToFloat32OrWider().log_softmax(-1);
        var next = ids.narrow(1, 1, t - 1).unsqueeze(-1);
        return logp.gather(-1, next).squeeze(-1).MoveToOuterDisposeScope();
    }

    /// <summary>A KV cache for <paramref name="batch"/> sequences of up to <paramref name="maxLength"/> positions, in the model's dtype and device.</summary>
    public KvCache CreateCache(long batch, long maxLength) =>
        new(Config.NumLayers, batch, Config.NumKvHeads, maxLength, Config.HeadDim, DType, Device);
}

/// <summary>One linear layer of the decoder: its module path, decoder layer index, the layer and its LoRA slot.</summary>
public sealed record DecoderLinear(string Path, int Layer, Linear Linear, LoraSlot Slot);
