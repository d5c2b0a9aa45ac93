using Bard.Model;

namespace Bard.Bench;

/// <summary>
/// Model shapes for throughput benchmarks: the real Qwen3 configurations (0.6B, 1.7B, 8B; randomly initialised,
/// only the shape matters) and a tiny one for dry runs on a CPU. The Python side (bench/gpu/hf_bench.py) builds
/// the same shapes with transformers' Qwen3Config.
/// </summary>
public static class BenchShapes
{
    public static IReadOnlyList<string> Names { get; } = ["tiny", "0.6b", "1.7b", "8b"];

    public static ModelConfig Create(string name)
    {
        var (d, layers, heads, intermediate, tied) = name switch
        {
            "tiny" => (64, 2, 2, 192, true),
            "0.6b" => (1024, 28, 16, 3072, true),
            "1.7b" => (2048, 28, 16, 6144, true),
            "8b" => (4096, 36, 32, 12288, false),
            _ => throw new BardException($"--sizes: unknown shape '{name}'; choose from {string.Join(", ", Names)}."),
        };
        bool tiny = name == "tiny";
        var config = new ModelConfig
        {
            Family = ModelFamily.Qwen3,
            VocabSize = tiny ? 512 : 151936,
            HiddenSize = d,
            IntermediateSize = intermediate,
            NumLayers = layers,
            NumHeads = heads,
            NumKvHeads = tiny ? 1 : 8,
            HeadDim = tiny ? 32 : 128,
            MaxPositionEmbeddings = 40960,
            TieWordEmbeddings = tied,
            RmsNormEps = 1e-6,
            Rope = new RopeScaling { Theta = 1000000 },
        };
        config.Validate($"bench shape '{name}'");
        return config;
    }

    /// <summary>
    /// Training FLOPs per token (forward + backward), the convention of the PaLM paper's MFU:
    /// 6 × the parameters that multiply (every matrix, the output projection included, not the embedding
    /// lookup) + 12 · L · H · D · T for attention scores and values (causal masking not discounted).
    /// bench/gpu/hf_bench.py uses the same formula, so the MFU ratio is the throughput ratio.
    /// </summary>
    public static double TrainingFlopsPerToken(ModelConfig c, long seqLen)
    {
        double matmulParams = c.ParameterCount - (double)c.VocabSize * c.HiddenSize * (c.TieWordEmbeddings ? 0 : 1);
        return 6 * matmulParams + 12.0 * c.NumLayers * c.NumHeads * c.HeadDim * seqLen;
    }
}
