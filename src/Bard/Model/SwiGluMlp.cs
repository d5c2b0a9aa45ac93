using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Bard.Model;

/// <summary>The SwiGLU feed-forward block: down_proj(silu(gate_proj(x)) * up_proj(x)).</summary>
public sealed class SwiGluMlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_proj")] readonly Linear gateProj;
    [ComponentName(Name = "up_proj")] readonly Linear upProj;
    [ComponentName(Name = "down_proj")] readonly Linear downProj;

    public SwiGluMlp(ModelConfig config) : base(nameof(SwiGluMlp))
    {
        gateProj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: config.MlpBias);
        upProj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: config.MlpBias);
        downProj = nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: config.MlpBias);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.silu(gateProj.forward(x)) * upProj.forward(x);
        return downProj.forward(h).MoveToOuterDisposeScope();
    }
}
