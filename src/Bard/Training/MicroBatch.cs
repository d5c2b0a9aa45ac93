namespace Bard.Training;

/// <summary>
/// Which sequences go into one micro-batch: each row lists the indices of the sequences laid out in it
/// (one per row when padded; several when packed). Plain .NET data; <see cref="Collator"/> makes tensors.
/// </summary>
public sealed record MicroBatch(IReadOnlyList<IReadOnlyList<int>> Rows)
{
    /// <summary>Target tokens in this micro-batch (the loss denominator's share).</summary>
    public int TargetCount(IReadOnlyList<TrainingSequence> data) => Rows.Sum(r => r.Sum(i => data[i].TargetCount));

    /// <summary>Tokens in this micro-batch, padding excluded.</summary>
    public int TokenCount(IReadOnlyList<TrainingSequence> data) => Rows.Sum(r => r.Sum(i => data[i].Length));
}
