namespace Bard.Model;

/// <summary>
/// Named small decoder shapes for students trained from scratch (the embedded task). Qwen3-style:
/// q/k norm, tied embeddings, SwiGLU 3×d. The vocabulary comes from the student's tokenizer.
/// </summary>
public static class ModelPresets
{
    /// <summary>The names <see cref="Create"/> accepts, with a one-line description.</summary>
    public static IReadOnlyDictionary<string, string> Names { get; } = new Dictionary<string, string>
    {
        ["micro"] = "d=64, 2 layers, 2 heads: ~0.1M parameters, for tests",
        ["tiny"] = "d=128, 4 layers, 4 heads: ~0.85M parameters",
        ["small"] = "d=256, 4 layers, 4 heads: ~3.4M parameters (the embedded-task default)",
        ["base"] = "d=384, 6 layers, 6 heads: ~11.5M parameters",
    };

    public static ModelConfig Create(string name, int vocabSize, int maxPositions = 1024)
    {
        var (d, layers, heads) = name switch
        {
            "micro" => (64, 2, 2),
            "tiny" => (128, 4, 4),
            "small" => (256, 4, 4),
            "base" => (384, 6, 6),
            _ => throw new BardException($"unknown model preset '{name}'; choose one of {string.Join(", ", Names.Keys)}, or pass a config.json."),
        };
        var config = new ModelConfig
        {
            Family = ModelFamily.Qwen3,
            VocabSize = vocabSize,
            HiddenSize = d,
            IntermediateSize = 3 * d,
            NumLayers = layers,
            NumHeads = heads,
            NumKvHeads = heads,
            HeadDim = d / heads,
            MaxPositionEmbeddings = maxPositions,
            TieWordEmbeddings = true,
            Rope = new RopeScaling { Theta = 10000 },
        };
        config.Validate($"preset '{name}'");
        return config;
    }
}
