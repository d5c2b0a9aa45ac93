using Bard.Training;

namespace Bard.Rl;

/// <summary>Where and how one RL run writes: the run folder and its side outputs.</summary>
public sealed record RlRun
{
    /// <summary>Run folder: checkpoint-STEP/, final/, metrics.jsonl, tensorboard/.</summary>
    public required string OutDir { get; init; }
    /// <summary>Continue from the newest OUT/checkpoint-STEP/ (or start afresh when there is none).</summary>
    public bool Resume { get; init; }
    /// <summary>Tokenizer files copied into every checkpoint.</summary>
    public string? TokenizerDir { get; init; }
    /// <summary>With LoRA: the base model's path or hub name, written as base_model_name_or_path into each adapter_config.json.</summary>
    public string? BaseModel { get; init; }
    public ProgressBar? Progress { get; init; }
    /// <summary>Called after every step with its result (<see cref="RlStepResult.ToMetrics"/> is what metrics.jsonl gets).</summary>
    public Action<RlStepResult>? OnStep { get; init; }
    /// <summary>Problems evaluated greedily every <see cref="RlConfig.EvalEvery"/> steps (held out from the training problems). Null or empty: no evaluation during the run.</summary>
    public IReadOnlyList<Data.Problem>? EvalProblems { get; init; }
    /// <summary>Budgets of that evaluation. Null: the config's list budgets, or the log-uniform range's ends.</summary>
    public IReadOnlyList<int>? EvalBudgets { get; init; }
    public bool TensorBoard { get; init; } = true;
}
