using Bard.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Training;

/// <summary>Gradient utilities shared by the SFT and RL trainers.</summary>
public static class Gradients
{
    /// <summary>Global L2 norm of the gradients, clipped in place to <paramref name="maxNorm"/> (0: measure only).</summary>
    public static double ClipNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var grads = parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!).ToList();
        if (grads.Count == 0) return 0;
        var norm = stack(grads.Select(g => g.ToFloat32OrWider().pow(2).sum())).sum().sqrt();
        double total = norm.ToDouble();
        if (maxNorm > 0 && total > maxNorm && double.IsFinite(total))
            foreach (var g in grads) g.mul_(maxNorm / (total + 1e-6));
        return total;
    }
}
