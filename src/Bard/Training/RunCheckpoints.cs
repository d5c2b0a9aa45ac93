namespace Bard.Training;

/// <summary>
/// The checkpoints of one training run, for SFT and RL alike: resume from the newest OUT/checkpoint-STEP/ (weights,
/// optimizer state, <see cref="TrainerState"/>), save a checkpoint atomically and keep the newest K, write OUT/final/.
/// What is saved (the whole model or LoRA adapters) is the <see cref="TrainedWeights"/>' business.
/// </summary>
/// <param name="outDir">The run folder.</param>
/// <param name="weights">What the run trains.</param>
/// <param name="optimizer">Its optimizer (its state is saved and restored with the weights).</param>
/// <param name="seed">The run's seed: a checkpoint of another seed is refused on resume.</param>
/// <param name="totalSteps">The run's optimizer steps in all: a checkpoint of another length is refused on resume.</param>
/// <param name="keepLast">Checkpoint folders kept (the newest).</param>
/// <param name="tokenizerDir">Tokenizer files copied into every checkpoint and final/.</param>
/// <param name="baseModel">With LoRA: the base model's path or hub name for adapter_config.json.</param>
internal sealed class RunCheckpoints(string outDir, TrainedWeights weights, AdamW optimizer, long seed, int totalSteps, int keepLast,
    string? tokenizerDir, string? baseModel)
{
    /// <summary>
    /// Loads the newest checkpoint's weights and optimizer state and returns its state; null when there is none. Throws
    /// <see cref="BardException"/> naming the folder when it was written with another seed or length.
    /// </summary>
    public TrainerState? Resume(string fix)
    {
        if (RunFolder.Checkpoints(outDir) is not { Count: > 0 } saved) return null;
        var (_, dir) = saved[^1];
        var state = TrainerState.Load(dir);
        if (state.Seed != seed || state.TotalSteps != totalSteps)
            throw new BardException($"{dir}: written by a run with seed {state.Seed} and {state.TotalSteps} steps; this run has seed {seed} and {totalSteps}. {fix}");
        weights.Load(dir);
        optimizer.Load(Path.Combine(dir, "optimizer.safetensors"));
        return state;
    }

    /// <summary>Writes OUT/checkpoint-STEP/ atomically (weights, optimizer, state), then prunes to the newest K.</summary>
    public void Save(TrainerState state)
    {
        RunFolder.WriteAtomically(RunFolder.CheckpointDir(outDir, state.Step), dir =>
        {
            weights.Save(dir, tokenizerDir, baseModel);
            optimizer.Save(Path.Combine(dir, "optimizer.safetensors"));
            state.Save(dir);
        });
        RunFolder.Prune(outDir, keepLast);
    }

    /// <summary>Writes OUT/final/ atomically: the weights and the state, no optimizer.</summary>
    public void SaveFinal(TrainerState state) => RunFolder.WriteAtomically(Path.Combine(outDir, "final"), dir =>
    {
        weights.Save(dir, tokenizerDir, baseModel);
        state.Save(dir);
    });

    /// <summary>The newest checkpoint folder at or before <paramref name="step"/>, for error messages; null when none was written.</summary>
    public string? LastGood(int step) => step > 0 ? RunFolder.CheckpointDir(outDir, step) : null;
}
