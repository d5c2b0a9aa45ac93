namespace Bard.Serving;

/// <summary>How <see cref="LlmTeacher"/> asks a reasoning model for traces. Immutable; <see cref="Validate"/> names the bad field.</summary>
public sealed record LlmTeacherOptions
{
    /// <summary>The user turn; <c>{question}</c> is replaced by the problem's question. Default: the question and an instruction to box the final answer.</summary>
    public string PromptTemplate { get; init; } = "{question}\n\nPlease reason step by step, and put your final answer within \\boxed{}.";
    /// <summary>Samples drawn per problem, one request each, until one is verified correct. Default 4.</summary>
    public int SamplesPerProblem { get; init; } = 4;
    /// <summary>Sampling temperature. Default 0.6 (Qwen3's and DeepSeek-R1's recommendation for thinking).</summary>
    public double Temperature { get; init; } = 0.6;
    /// <summary>Nucleus mass. Default 0.95.</summary>
    public double TopP { get; init; } = 0.95;
    /// <summary>Most tokens per sample (thinking and answer). Default 16384.</summary>
    public int MaxTokens { get; init; } = 16384;
    /// <summary>Base of the per-sample seeds (sample k of a problem uses a stable hash of seed, problem id and k). Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Throws <see cref="BardException"/> naming the first invalid field; returns this.</summary>
    public LlmTeacherOptions Validate()
    {
        if (!PromptTemplate.Contains("{question}", StringComparison.Ordinal)) throw new BardException("LlmTeacherOptions.PromptTemplate must contain {question}.");
        if (SamplesPerProblem < 1) throw new BardException($"LlmTeacherOptions.SamplesPerProblem must be ≥ 1, got {SamplesPerProblem}.");
        if (!(Temperature >= 0)) throw new BardException($"LlmTeacherOptions.Temperature must be ≥ 0, got {Temperature}.");
        if (!(TopP > 0 && TopP <= 1)) throw new BardException($"LlmTeacherOptions.TopP must be in (0, 1], got {TopP}.");
        if (MaxTokens < 1) throw new BardException($"LlmTeacherOptions.MaxTokens must be ≥ 1, got {MaxTokens}.");
        return this;
    }
}
