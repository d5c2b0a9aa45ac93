using Bard.Lora;
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
    readonly LoraSlot gateLora = new(), upLora = new(), downLora = new();

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
        var xa = LoraSlot.SharedInput(x, gateLora, upLora); // LoRA on a bf16 base: x in float32 once for both
        var h = nn.functional.silu(gateLora.Forward(gateProj, x, training, xa)) * upLora.Forward(upProj, x, training, xa);
        return downLora.Forward(downProj, h, training).MoveToOuterDisposeScope();
    }

    /// <summary>The gate, up and down projections by name, with the slots their LoRA adapters go in.</summary>
    internal IEnumerable<(string Name, Linear Linear, LoraSlot Slot)> Projections() =>
        [("gate_proj", gateProj, gateLora), ("up_proj", upProj, upLora), ("down_proj", downProj, downLora)];
}
