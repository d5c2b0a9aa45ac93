namespace Bard.Training;

/// <summary>Where and how one SFT run writes: the run folder and its side outputs.</summary>
public sealed record SftRun
{
    /// <summary>Run folder: checkpoint-STEP/, final/, metrics.jsonl, tensorboard/.</summary>
    public required string OutDir { get; init; }
    /// <summary>Continue from the newest OUT/checkpoint-STEP/ (or start afresh when there is none).</summary>
    public bool Resume { get; init; }
    /// <summary>Tokenizer files to copy into every checkpoint, so each is a complete Hugging Face folder.</summary>
    public string? TokenizerDir { get; init; }
    /// <summary>With LoRA: the base model's path or hub name, written as base_model_name_or_path into each adapter_config.json.</summary>
    public string? BaseModel { get; init; }
    /// <summary>Live progress line; null for none.</summary>
    public ProgressBar? Progress { get; init; }
    /// <summary>Called after every optimizer step with its metrics (tests and callers that want them live).</summary>
    public Action<StepMetrics>? OnStep { get; init; }
    /// <summary>Also write TensorBoard event files. Default true.</summary>
    public bool TensorBoard { get; init; } = true;
    /// <summary>Write checkpoints and final/. Default true; benchmarks turn it off (an 8B checkpoint is 32 GB).</summary>
    public bool SaveCheckpoints { get; init; } = true;
}
