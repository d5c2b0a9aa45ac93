using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bard.Lora;

/// <summary>
/// The adapter of one linear layer: A [r, in] and B [out, r], trainable leaf tensors in float32 (float64 on a float64
/// model), and the scale s. <see cref="AddTo"/> is PEFT's <c>Linear.forward</c>: the base output plus
/// s · B A dropout(x), computed in the adapter's dtype and cast back to the base output's.
/// </summary>
public sealed class LoraAdapter : IDisposable
{
    internal LoraAdapter(string path, Tensor a, Tensor b, double scaling, double dropout)
    {
        (Path, A, B, Scaling, Dropout) = (path, a, b, scaling, dropout);
    }

    /// <summary>The module path of the adapted layer, e.g. <c>model.layers.0.self_attn.q_proj</c>.</summary>
    public string Path { get; }
    /// <summary>lora_A: [r, in].</summary>
    public Tensor A { get; }
    /// <summary>lora_B: [out, r].</summary>
    public Tensor B { get; }
    public double Scaling { get; }
    public double Dropout { get; }
    /// <summary>False: the layer computes the base output only (the KL reference of RL, <see cref="LoraAdapters.Disabled"/>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// y + s · B A dropout(x), with x the layer's input and y = W x (+ bias) its base output. <paramref name="castInput"/>:
    /// x already in the adapter's dtype, shared by the layers that read the same input (q, k, v; gate, up), so that it is
    /// cast, and kept for the backward pass, once.
    /// </summary>
    public Tensor AddTo(Tensor y, Tensor x, bool training, Tensor? castInput = null)
    {
        using var scope = NewDisposeScope();
        var h = castInput ?? (x.dtype == A.dtype ? x : x.to(A.dtype));
        if (Dropout > 0 && training) h = nn.functional.dropout(h, Dropout, training: true);
        var delta = nn.functional.linear(nn.functional.linear(h, A), B).mul_(Scaling);
        var sum = y.dtype == delta.dtype ? y + delta : (y.to(delta.dtype) + delta).to(y.dtype);
        return sum.MoveToOuterDisposeScope();
    }

    /// <summary>s · B A: [out, in], in the adapter's dtype (what merging adds to W).</summary>
    public Tensor DeltaWeight()
    {
        using var noGrad = no_grad();
        return B.matmul(A).mul_(Scaling);
    }

    public void Dispose() { A.Dispose(); B.Dispose(); }
}

/// <summary>
/// Where a linear layer of the decoder can hold a <see cref="LoraAdapter"/>. Not a module: the adapter's tensors are not
/// the model's parameters, so its state dict, checkpoints and <c>to(dtype)</c> stay those of the base model.
/// </summary>
public sealed class LoraSlot
{
    public LoraAdapter? Adapter { get; internal set; }

    /// <summary><paramref name="linear"/>(x), plus the adapter's term when one is attached and enabled (<paramref name="castInput"/>: see <see cref="SharedInput"/>).</summary>
    public Tensor Forward(Linear linear, Tensor x, bool training, Tensor? castInput = null)
    {
        if (Adapter is not { Enabled: true } a) return linear.forward(x);
        using var scope = NewDisposeScope();
        return a.AddTo(linear.forward(x), x, training, castInput is not null && castInput.dtype == a.A.dtype ? castInput : null).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// x cast once to the adapters' dtype for the slots that read the same input, or null when none needs a cast (no enabled
    /// adapter, or x already in that dtype). In the caller's dispose scope.
    /// </summary>
    public static Tensor? SharedInput(Tensor x, params LoraSlot[] slots)
    {
        foreach (var slot in slots)
            if (slot.Adapter is { Enabled: true } a && a.A.dtype != x.dtype) return x.to(a.A.dtype);
        return null;
    }
}
