using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bard.Model;

/// <summary>
/// RMSNorm as Hugging Face computes it: normalise in float32, cast back to the input dtype, then scale
/// by the weight (Llama/Qwen convention; not the Gemma "1 + weight" variant).
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    readonly double eps;
    readonly Parameter weight;

    public RmsNorm(int size, double eps) : base(nameof(RmsNorm))
    {
        this.eps = eps;
        weight = new Parameter(ones(size));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = x.to(ScalarType.Float32);
        var variance = h.pow(2).mean([-1], keepdim: true);
        h = h * rsqrt(variance + eps);
        return (weight * h.to(x.dtype)).MoveToOuterDisposeScope();
    }
}
