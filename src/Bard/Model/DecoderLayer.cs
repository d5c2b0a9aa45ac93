using Bard.Lora;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Bard.Model;

/// <summary>One pre-norm decoder block: x + attn(norm(x)), then h + mlp(norm(h)).</summary>
public sealed class DecoderLayer : nn.Module
{
    [ComponentName(Name = "input_layernorm")] readonly RmsNorm inputNorm;
    [ComponentName(Name = "self_attn")] readonly Attention attention;
    [ComponentName(Name = "post_attention_layernorm")] readonly RmsNorm postAttentionNorm;
    [ComponentName(Name = "mlp")] readonly SwiGluMlp mlp;
    readonly int index;

    public DecoderLayer(ModelConfig config, int index) : base(nameof(DecoderLayer))
    {
        this.index = index;
        inputNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        attention = new Attention(config);
        postAttentionNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        mlp = new SwiGluMlp(config);
        RegisterComponents();
    }

    /// <summary>This layer's linear layers by path below it (<c>self_attn.q_proj</c>, …, <c>mlp.down_proj</c>), with their LoRA slots.</summary>
    internal IEnumerable<(string Name, Linear Linear, LoraSlot Slot)> Projections() =>
        attention.Projections().Select(p => ("self_attn." + p.Name, p.Linear, p.Slot))
            .Concat(mlp.Projections().Select(p => ("mlp." + p.Name, p.Linear, p.Slot)));

    /// <summary>x [B, T, d] → [B, T, d].</summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KvCache? cache)
    {
        using var scope = NewDisposeScope();
        var h = x + attention.Forward(inputNorm.forward(x), cos, sin, mask, cache, index);
        return (h + mlp.forward(postAttentionNorm.forward(h))).MoveToOuterDisposeScope();
    }
}
