using Bard.Lora;
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
    readonly LoraSlot qLora = new(), kLora = new(), vLora = new(), oLora = new();

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

        var xa = LoraSlot.SharedInput(x, qLora, kLora, vLora); // LoRA on a bf16 base: x in float32 once for all three
        var q = qLora.Forward(qProj, x, training, xa).view(b, t, h, d);   // [B, T, H, D]
        var k = kLora.Forward(kProj, x, training, xa).view(b, t, hkv, d);
        var v = vLora.Forward(vProj, x, training, xa).view(b, t, hkv, d).transpose(1, 2); // [B, Hkv, T, D]
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
        var attn = UseMatmulAttention(q, k)
            ? MatmulAttention(q, k, v, mask, causal)
            : nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: mask, is_casual: causal); // [B, H, T, D]
        var merged = attn.transpose(1, 2).reshape(b, t, h * d);
        return oLora.Forward(oProj, merged, training).MoveToOuterDisposeScope();
    }

    /// <summary>The q, k, v and o projections by name, with the slots their LoRA adapters go in.</summary>
    internal IEnumerable<(string Name, Linear Linear, LoraSlot Slot)> Projections() =>
        [("q_proj", qProj, qLora), ("k_proj", kProj, kLora), ("v_proj", vProj, vLora), ("o_proj", oProj, oLora)];

    /// <summary>
    /// Training in bf16 on the CPU: libtorch's fused CPU attention (forward + backward) was measured 1.4× slower than
    /// plain matmul + fp32 softmax at [16, 4, 256, 64] (21.9 vs 15.7 ms; fp32: 23.0 vs 27.6 ms, so fp32 keeps the fused
    /// kernel). The scores [B, H, T, S] are materialised, so only for T·S ≤ 2²⁰; GPUs always use the fused kernel.
    /// </summary>
    static bool UseMatmulAttention(Tensor q, Tensor k) =>
        MatmulAttentionOnCpuBf16 && q.device_type == TorchSharp.DeviceType.CPU && q.dtype == ScalarType.BFloat16
        && is_grad_enabled() && q.shape[2] > 1 && q.shape[2] * k.shape[2] <= 1 << 20;

    /// <summary>Whether bf16 CPU training uses <see cref="MatmulAttention"/> (for A/B measurements).</summary>
    public static bool MatmulAttentionOnCpuBf16 { get; set; } = Environment.GetEnvironmentVariable("BARD_CPU_BF16_ATTENTION") != "fused";

    /// <summary>softmax(q kᵀ / √D + mask) v with the softmax in fp32; causal: key j ≤ query i + (S − T).</summary>
    static Tensor MatmulAttention(Tensor q, Tensor k, Tensor v, Tensor? mask, bool causal)
    {
        using var scope = NewDisposeScope();
        long t = q.shape[2], s = k.shape[2];
        var scores = q.matmul(k.transpose(-1, -2)).to(ScalarType.Float32).mul_(1.0 / Math.Sqrt(q.shape[^1]));
        if (mask is not null) scores = scores + mask.to(ScalarType.Float32);
        if (causal) scores = scores.masked_fill(ones(t, s, dtype: ScalarType.Bool, device: q.device).triu(s - t + 1), double.NegativeInfinity);
        return scores.softmax(-1).to(q.dtype).matmul(v).MoveToOuterDisposeScope();
    }
}
