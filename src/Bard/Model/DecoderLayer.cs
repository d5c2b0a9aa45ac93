using static TorchSharp.torch;

namespace Bard.Model;

/// <summary>One pre-norm decoder block: x + attn(norm(x)), then h + mlp(norm(h)).</summary>
public sealed class DecoderLayer : nn.Module
{
    readonly RmsNorm inputNorm, postAttentionNorm;
    readonly Attention attention;
    readonly SwiGluMlp mlp;
    readonly int index;

    public DecoderLayer(ModelConfig config, int index) : base(nameof(DecoderLayer))
    {
        this.index = index;
        inputNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        attention = new Attention(config);
        postAttentionNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        mlp = new SwiGluMlp(config);
        register_module("input_layernorm", inputNorm);
        register_module("self_attn", attention);
        register_module("post_attention_layernorm", postAttentionNorm);
        register_module("mlp", mlp);
    }

    /// <summary>x [B, T, d] → [B, T, d].</summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KvCache? cache)
    {
        using var scope = NewDisposeScope();
        var h = x + attention.Forward(inputNorm.forward(x), cos, sin, mask, cache, index);
        return (h + mlp.forward(postAttentionNorm.forward(h))).MoveToOuterDisposeScope();
    }
}
