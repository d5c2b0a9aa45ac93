using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Bard.Model;

/// <summary>
/// Grouped-query self-attention with rotary embeddings: q/k/v projections (bias per family), optional
/// per-head q/k RMSNorm (Qwen3) before rope, scaled dot-product attention, output projection.
/// Weight names follow Hugging Face: q_proj, k_proj, v_proj, o_proj, q_norm, k_norm.
/// </summary>
public sealed class Attention : nn.Module
{
    readonly ModelConfig config;
    [ComponentName(Name = "q_proj")] readonly Linear qProj;
    [ComponentName(Name = "k_proj")] readonly Linear kProj;
    [ComponentName(Name = "v_proj")] readonly Linear vProj;
    [ComponentName(Name = "o_proj")] readonly Linear oProj;
    [ComponentName(Name = "q_norm")] readonly RmsNorm? qNorm;
    [ComponentName(Name = "k_norm")] readonly RmsNorm? kNorm;

    public Attention(ModelConfig config) : base(nameof(Attention))
    {
        this.config = config;
        int q = config.NumHeads * config.HeadDim, kv = config.NumKvHeads * config.HeadDim;
        qProj = nn.Linear(config.HiddenSize, q, hasBias: config.QkvBias);
        kProj = nn.Linear(config.HiddenSize, kv, hasBias: config.QkvBias);
        vProj = nn.Linear(config.HiddenSize, kv, hasBias: config.QkvBias);
        oProj = nn.Linear(q, config.HiddenSize, hasBias: config.OutputBias);
        if (config.QkNorm)
        {
            qNorm = new RmsNorm(config.HeadDim, config.RmsNormEps);
            kNorm = new RmsNorm(config.HeadDim, config.RmsNormEps);
        }
        RegisterComponents();
    }

    /// <summary>
    /// x [B, T, d] → [B, T, d]. <paramref name="mask"/> is additive [B, 1, T, S] or null for plain causal
    /// attention over the new positions only; with a cache, keys and values of earlier positions come from it.
    /// </summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KvCache? cache, int layer)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1];
        int h = config.NumHeads, hkv = config.NumKvHeads, d = config.HeadDim;

        var q = qProj.forward(x).view(b, t, h, d);   // [B, T, H, D]
        var k = kProj.forward(x).view(b, t, hkv, d);
        var v = vProj.forward(x).view(b, t, hkv, d).transpose(1, 2); // [B, Hkv, T, D]
        if (qNorm is not null) { q = qNorm.forward(q); k = kNorm!.forward(k); }
        q = RotaryEmbedding.Apply(q.transpose(1, 2), cos, sin); // [B, H, T, D]
        k = RotaryEmbedding.Apply(k.transpose(1, 2), cos, sin); // [B, Hkv, T, D]

        if (cache is not null) (k, v) = cache.Write(layer, k, v); // [B, Hkv, S, D]
        if (hkv != h)
        {
            // Grouped-query attention: each kv head serves H/Hkv query heads (transformers' repeat_kv).
            k = k.repeat_interleave(h / hkv, dim: 1);
            v = v.repeat_interleave(h / hkv, dim: 1);
        }
        // Plain causal masking is only right when queries and keys are the same positions.
        bool causal = mask is null && t > 1 && k.shape[2] == t;
        if (mask is null && t > 1 && !causal)
            throw new InvalidOperationException("Attention over cached positions with several new tokens needs an explicit mask.");
        var attn = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: mask, is_casual: causal); // [B, H, T, D]
        var merged = attn.transpose(1, 2).reshape(b, t, h * d);
        return oProj.forward(merged).MoveToOuterDisposeScope();
    }
}
