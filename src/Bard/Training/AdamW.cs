using System.Globalization;
using Bard.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Training;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter; PyTorch's update rule) over named float32 (or float64) parameters, with its state
/// (step count, first and second moments) saved to and restored from a safetensors file bit for bit,
/// so that a resumed run continues exactly. Parameters with two or more dimensions get weight decay;
/// vectors (norms, biases) do not.
/// </summary>
public sealed class AdamW : IDisposable
{
    readonly IReadOnlyList<(string Name, Tensor Param)> parameters;
    readonly Dictionary<string, (Tensor M, Tensor V)> moments = new();
    readonly double beta1, beta2, eps, weightDecay;

    public AdamW(IEnumerable<(string Name, Tensor Param)> parameters, double beta1, double beta2, double eps, double weightDecay)
    {
        this.parameters = parameters.ToList();
        (this.beta1, this.beta2, this.eps, this.weightDecay) = (beta1, beta2, eps, weightDecay);
        foreach (var (name, p) in this.parameters)
        {
            if (!Precisions.IsMasterDType(p.dtype)) throw new ArgumentException($"AdamW keeps float32 master weights; {name} is {p.dtype}.");
            moments[name] = (zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope());
        }
    }

    /// <summary>Optimizer steps taken so far.</summary>
    public long Steps { get; private set; }

    /// <summary>One update of every parameter that has a gradient, at learning rate <paramref name="lr"/>.</summary>
    public void Step(double lr)
    {
        using var noGrad = no_grad();
        Steps++;
        double bc1 = 1 - Math.Pow(beta1, Steps), bc2 = 1 - Math.Pow(beta2, Steps);
        foreach (var (name, p) in parameters)
        {
            using var scope = NewDisposeScope();
            var g = p.grad;
            if (g is null) continue;
            var (m, v) = moments[name];
            if (weightDecay > 0 && p.dim() >= 2) p.mul_(1 - lr * weightDecay);
            m.mul_(beta1).add_(g, alpha: 1 - beta1);
            v.mul_(beta2).addcmul_(g, g, value: 1 - beta2);
            var denom = (v.sqrt() / Math.Sqrt(bc2)).add_(eps);
            p.addcdiv_(m, denom, value: -lr / bc1);
        }
    }

    public void ZeroGrad()
    {
        using var scope = NewDisposeScope(); // each .grad read is a new handle
        foreach (var (_, p) in parameters)
            p.grad?.zero_();
    }

    /// <summary>Writes the step count and both moments of every parameter to <paramref name="path"/>.</summary>
    public void Save(string path)
    {
        var tensors = moments.SelectMany(kv => new[]
        {
            new KeyValuePair<string, Tensor>("exp_avg." + kv.Key, kv.Value.M),
            new KeyValuePair<string, Tensor>("exp_avg_sq." + kv.Key, kv.Value.V),
        });
        SafeTensorsWriter.Write(path, tensors, new Dictionary<string, string>
        {
            ["format"] = "bard-adamw",
            ["step"] = Steps.ToString(CultureInfo.InvariantCulture),
        });
    }

    /// <summary>Restores what <see cref="Save"/> wrote; every parameter's moments must be there with the right shape.</summary>
    public void Load(string path)
    {
        using var file = SafeTensorsFile.Open(path);
        if (!file.Metadata.TryGetValue("step", out var step) || !long.TryParse(step, CultureInfo.InvariantCulture, out var steps))
            throw new BardException($"{path}: not an optimizer state written by Bard (no 'step' in its metadata).");
        using var noGrad = no_grad();
        foreach (var (name, (m, v)) in moments)
        {
            foreach (var (key, target) in new[] { ("exp_avg." + name, m), ("exp_avg_sq." + name, v) })
            {
                if (!file.Tensors.ContainsKey(key))
                    throw new BardException($"{path}: optimizer state lacks '{key}'; it belongs to another model.");
                using var t = file.Load(key, target.dtype);
                if (!t.shape.SequenceEqual(target.shape))
                    throw new BardException($"{path}: '{key}' has shape [{string.Join(",", t.shape)}], the parameter has [{string.Join(",", target.shape)}].");
                target.copy_(t);
            }
        }
        Steps = steps;
    }

    public void Dispose()
    {
        foreach (var (m, v) in moments.Values) { m.Dispose(); v.Dispose(); }
    }
}
