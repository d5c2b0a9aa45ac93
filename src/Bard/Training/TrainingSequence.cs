namespace Bard.Training;

/// <summary>
/// One tokenized training example: the ids of the whole conversation and, per id, whether the model is
/// trained to predict it (true for assistant tokens — thinking, answer and the end-of-turn token — and
/// false for prompt tokens). Works on token ids only; knows nothing about text or chat templates.
/// </summary>
public sealed record TrainingSequence
{
    public TrainingSequence(int[] ids, bool[] targets)
    {
        if (ids.Length != targets.Length)
            throw new ArgumentException($"ids ({ids.Length}) and targets ({targets.Length}) differ in length.");
        if (ids.Length < 2) throw new ArgumentException("a training sequence needs at least two tokens.");
        if (targets[0]) throw new ArgumentException("the first token has no prediction: it cannot be a target.");
        Ids = ids;
        Targets = targets;
    }

    public int[] Ids { get; }
    public bool[] Targets { get; }
    public int Length => Ids.Length;
    /// <summary>Number of tokens the loss is computed on.</summary>
    public int TargetCount => Targets.Count(t => t);

    /// <summary>A prompt followed by a completion: the completion's tokens are the targets.</summary>
    public static TrainingSequence PromptCompletion(IReadOnlyList<int> prompt, IReadOnlyList<int> completion)
    {
        if (prompt.Count == 0) throw new ArgumentException("the prompt must not be empty.");
        var ids = prompt.Concat(completion).ToArray();
        var targets = new bool[ids.Length];
        for (int i = prompt.Count; i < ids.Length; i++) targets[i] = true;
        return new TrainingSequence(ids, targets);
    }
}
