namespace Bard.Serving;

/// <summary>How <see cref="LlmCompressor"/> asks an LLM to rewrite traces to budgets. Immutable; <see cref="Validate"/> names the bad field.</summary>
public sealed record LlmCompressorOptions
{
    /// <summary>Accepted relative length error |L − b| / b. Default 0.10 (the embedded compressor's).</summary>
    public double Tolerance { get; init; } = 0.10;
    /// <summary>Tries per budget, the first included; each retry states the length produced and the target. Default 3.</summary>
    public int MaxTries { get; init; } = 3;
    /// <summary>Sampling temperature. Default 0.3.</summary>
    public double Temperature { get; init; } = 0.3;
    /// <summary>Most tokens per answer, in the compressor's tokens: at least this many are allowed, or 4 × the budget if more. Default 4096.</summary>
    public int MaxTokens { get; init; } = 4096;
    /// <summary>Words per student token for the {words} hint (0.75 suits BPE tokenizers of English). Default 0.75.</summary>
    public double WordsPerToken { get; init; } = 0.75;
    /// <summary>First-request template. Default <see cref="CompressorPrompts.Rewrite"/>.</summary>
    public string RewriteTemplate { get; init; } = CompressorPrompts.Rewrite;
    /// <summary>Retry template. Default <see cref="CompressorPrompts.Feedback"/>.</summary>
    public string FeedbackTemplate { get; init; } = CompressorPrompts.Feedback;

    /// <summary>Throws <see cref="BardException"/> naming the first invalid field; returns this.</summary>
    public LlmCompressorOptions Validate()
    {
        if (!(Tolerance > 0 && Tolerance < 1)) throw new BardException($"LlmCompressorOptions.Tolerance must be in (0, 1), got {Tolerance}.");
        if (MaxTries < 1) throw new BardException($"LlmCompressorOptions.MaxTries must be ≥ 1, got {MaxTries}.");
        if (!(Temperature >= 0)) throw new BardException($"LlmCompressorOptions.Temperature must be ≥ 0, got {Temperature}.");
        if (MaxTokens < 1) throw new BardException($"LlmCompressorOptions.MaxTokens must be ≥ 1, got {MaxTokens}.");
        if (!(WordsPerToken > 0)) throw new BardException($"LlmCompressorOptions.WordsPerToken must be positive, got {WordsPerToken}.");
        foreach (var p in new[] { "{thinking}", "{budget}" })
            if (!RewriteTemplate.Contains(p, StringComparison.Ordinal)) throw new BardException($"LlmCompressorOptions.RewriteTemplate must contain {p}.");
        if (!FeedbackTemplate.Contains("{produced}", StringComparison.Ordinal)) throw new BardException("LlmCompressorOptions.FeedbackTemplate must contain {produced}.");
        return this;
    }
}
