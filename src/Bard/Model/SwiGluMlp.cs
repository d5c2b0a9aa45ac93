using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bard.Model;

/// <summary>The SwiGLU feed-forward block: down_proj(silu(gate_proj(x)) * up_proj(x)).</summary>
public sealed class SwiGluMlp : nn.Module<Tensor, Tensor>
{
    readonly Linear gateProj, upProj, downProj;

    public SwiGluMlp(ModelConfig config) : base(nameof(SwiGluMlp))
    {
        gateProj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: config.MlpBias);
        upProj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: config.MlpBias);
        downProj = nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: config.MlpBias);
        register_module("gate_proj", gateProj);
        register_module("up_proj", upProj);
        register_module("down_proj", downProj);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.silu(gateProj.forward(x)) * upProj.forward(x);
        return downProj.forward(h).MoveToOuterDisposeScope();
    }
}
