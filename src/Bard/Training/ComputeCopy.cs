using Bard.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Training;

/// <summary>
/// Where the trainers run forward and backward. <see cref="Precision.Fp32"/>: the master model itself.
/// <see cref="Precision.Bf16"/>: a bf16 copy of it; gradients are copied back to the float32 master, where
/// clipping and AdamW run, and the updated weights are copied to the copy (<see cref="PullWeights"/>).
/// Shared by SFT and RL so that both keep float32 master weights the same way.
/// </summary>
internal sealed class ComputeCopy : IDisposable
{
    readonly CausalLM? owned;
    readonly IReadOnlyList<(string Name, Tensor Tensor)> master;
    readonly IReadOnlyList<Tensor> parameters;

    public ComputeCopy(CausalLM model, IReadOnlyList<(string, Tensor)> masterParameters, Precision precision)
    {
        master = masterParameters;
        // Auto becomes Fp32 or Bf16 here, for the device and dtype the model is on (the one place both trainers pass through).
        if (PrecisionChoice.Resolve(precision, model.Device.type, model.DType) == Precision.Bf16)
        {
            owned = new CausalLM(model.Config);
            owned.to(ScalarType.BFloat16).to(model.Device); // replaces its parameter tensors: list them after
        }
        Model = owned ?? model;
        parameters = Model.named_parameters().Select(p => (Tensor)p.parameter).ToList();
        PullWeights();
    }

    /// <summary>The model that runs forward and backward.</summary>
    public CausalLM Model { get; }

    /// <summary>Master weights → the copy (after each optimizer step). A no-op without a copy.</summary>
    public void PullWeights()
    {
        if (owned is null) return;
        using var noGrad = no_grad();
        for (int i = 0; i < master.Count; i++) parameters[i].copy_(master[i].Tensor);
    }

    /// <summary>The copy's gradients → the master's <c>.grad</c> (before clipping and the step). A no-op without a copy.</summary>
    public void PushGrads()
    {
        if (owned is null) return;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        for (int i = 0; i < parameters.Count; i++)
        {
            var g = parameters[i].grad;
            if (g is null) continue;
            var target = master[i].Tensor;
            var existing = target.grad;
            if (existing is null) target.grad = g.to(target.dtype).DetachFromDisposeScope();
            else existing.copy_(g);
        }
    }

    /// <summary>Zeroes the compute model's gradients (the master's are zeroed by the optimizer).</summary>
    public void ZeroGrad()
    {
        using var scope = NewDisposeScope();
        foreach (var p in parameters) p.grad?.zero_();
    }

    public void Dispose() => owned?.Dispose();
}
