namespace Bard.Training;

/// <summary>
/// The micro-batches of one epoch, in order: a seeded shuffle of the sequences (the same seed and epoch
/// always give the same plan, which is what makes resuming exact), then packing or length bucketing.
/// </summary>
public static class BatchPlan
{
    /// <summary>Sequences sorted together for length bucketing (padded batching), in micro-batches.</summary>
    const int BucketBatches = 32;

    public static IReadOnlyList<MicroBatch> ForEpoch(IReadOnlyList<TrainingSequence> data, SftConfig config, int epoch)
    {
        if (data.Count == 0) throw new BardException("the training set is empty.");
        for (int i = 0; i < data.Count; i++)
            if (data[i].Length > config.MaxSeqLen)
                throw new BardException($"training sequence {i} has {data[i].Length} tokens, more than MaxSeqLen {config.MaxSeqLen}. Raise MaxSeqLen or drop long samples.");
        var order = Shuffle(data.Count, config.Seed, epoch);
        return config.Batching == Batching.Packed ? Packed(data, order, config) : Padded(data, order, config, epoch);
    }

    /// <summary>A permutation of 0..n−1 from (seed, epoch), Fisher–Yates with a seeded generator.</summary>
    public static int[] Shuffle(int n, long seed, int epoch)
    {
        var order = Enumerable.Range(0, n).ToArray();
        var rng = new Random(HashCode32(seed, epoch));
        for (int i = n - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    // A fixed mix (not string.GetHashCode, which changes per process).
    static int HashCode32(long seed, int epoch)
    {
        ulong x = (ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)(epoch + 1) * 0xBF58476D1CE4E5B9UL;
        x ^= x >> 31;
        return (int)(x & 0x7FFFFFFF);
    }

    static List<MicroBatch> Packed(IReadOnlyList<TrainingSequence> data, int[] order, SftConfig config)
    {
        var rows = new List<IReadOnlyList<int>>();
        var row = new List<int>();
        int used = 0;
        foreach (int i in order)
        {
            if (used + data[i].Length > config.MaxSeqLen && row.Count > 0)
            {
                rows.Add(row);
                row = [];
                used = 0;
            }
            row.Add(i);
            used += data[i].Length;
        }
        if (row.Count > 0) rows.Add(row);
        return rows.Chunk(config.BatchSize).Select(c => new MicroBatch(c)).ToList();
    }

    static List<MicroBatch> Padded(IReadOnlyList<TrainingSequence> data, int[] order, SftConfig config, int epoch)
    {
        var batches = new List<MicroBatch>();
        foreach (var bucket in order.Chunk(config.BatchSize * BucketBatches))
        {
            var sorted = bucket.OrderBy(i => data[i].Length).ThenBy(i => i);
            batches.AddRange(sorted.Chunk(config.BatchSize).Select(c => new MicroBatch(c.Select(i => (IReadOnlyList<int>)new[] { i }).ToList())));
        }
        // Shuffle the batches so that the lengths seen in a row of steps are mixed.
        var perm = Shuffle(batches.Count, config.Seed + 1, epoch);
        return perm.Select(p => batches[p]).ToList();
    }
}
