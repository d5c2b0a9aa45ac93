namespace Bard.Inference;

/// <summary>How to continue prompts. Immutable; <see cref="Validate"/> names the bad field.</summary>
public sealed record GenerationOptions
{
    /// <summary>Upper bound on new tokens per sequence (the stop token included). Default 256.</summary>
    public int MaxNewTokens { get; init; } = 256;
    /// <summary>Softmax temperature; 0 means greedy (argmax). Default 0.</summary>
    public double Temperature { get; init; }
    /// <summary>Keep only the k most likely tokens before sampling; 0 turns it off. Default 0.</summary>
    public int TopK { get; init; }
    /// <summary>Nucleus sampling: keep the smallest set of tokens whose probability reaches p; 1 turns it off. Default 1.</summary>
    public double TopP { get; init; } = 1.0;
    /// <summary>Seed of the sampler's random generator: the same seed, prompts and model give the same tokens. Default 0.</summary>
    public long Seed { get; init; }
    /// <summary>Token ids that end a sequence (kept as its last token). Default none.</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];
    /// <summary>Id written in the padding of left-padded batches (its value never matters: padding is masked). Default 0.</summary>
    public int PadTokenId { get; init; }

    public bool Greedy => Temperature == 0;

    public void Validate()
    {
        if (MaxNewTokens < 0) throw new BardException($"MaxNewTokens must be ≥ 0, got {MaxNewTokens}.");
        if (Temperature < 0 || double.IsNaN(Temperature)) throw new BardException($"Temperature must be ≥ 0 (0 = greedy), got {Temperature}.");
        if (TopK < 0) throw new BardException($"TopK must be ≥ 0 (0 = off), got {TopK}.");
        if (!(TopP > 0 && TopP <= 1)) throw new BardException($"TopP must be in (0, 1] (1 = off), got {TopP}.");
    }
}
