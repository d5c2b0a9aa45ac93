using static TorchSharp.torch;

namespace Bard.Model;

/// <summary>
/// Initialisation of a student trained from scratch, as transformers does it for these families:
/// matrices and embeddings ~ N(0, std²), biases 0, norm weights 1, from a seeded generator so the same
/// seed gives the same model.
/// </summary>
public static class ModelInit
{
    public static void Initialize(CausalLM model, long seed, double std = 0.02)
    {
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)seed); // a CPU generator (the only kind TorchSharp 0.107 makes); values are drawn on the CPU and copied
        foreach (var (name, p) in model.named_parameters())
        {
            using var scope = NewDisposeScope();
            if (name.EndsWith("norm.weight", StringComparison.Ordinal) || name.EndsWith("layernorm.weight", StringComparison.Ordinal)) p.fill_(1.0);
            else if (name.EndsWith(".bias", StringComparison.Ordinal)) p.zero_();
            // randn with an explicit generator: TorchSharp 0.107's nn.init.normal_ ignores the one it is given.
            else p.copy_(randn(p.shape, dtype: ScalarType.Float32, generator: generator).mul_(std));
        }
    }
}
