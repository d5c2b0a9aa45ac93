using Bard.Training;
using static TorchSharp.torch;

namespace Bard.Tests.Training;

public class CollatorTests
{
    // prompt [10, 11, 12], completion [20, 21, 2]: 2 plays the end-of-turn token.
    static readonly TrainingSequence A = TrainingSequence.PromptCompletion([10, 11, 12], [20, 21, 2]);
    static readonly TrainingSequence B = TrainingSequence.PromptCompletion([30, 31], [40, 2]);

    [Fact]
    public void Collate_LossMask_ExcludesPromptIncludesFirstAnswerAndEndOfTurn()
    {
        using var batch = Collator.Collate(new MicroBatch([[0]]), [A], ScalarType.Float32);
        // label[t] = ids[t+1] when ids[t+1] is a target: positions 0, 1 predict prompt tokens (ignored);
        // position 2 predicts the first answer token 20; position 4 predicts the end-of-turn 2; the last has no next.
        Assert.Equal(new long[] { -100, -100, 20, 21, 2, -100 }, TensorAssert.Longs(batch.Labels));
        Assert.Equal(new long[] { 10, 11, 12, 20, 21, 2 }, TensorAssert.Longs(batch.Ids));
        Assert.Equal(3, A.TargetCount);
    }

    [Fact]
    public void Collate_Packed_PositionsRestartAndMaskIsBlockDiagonalCausal()
    {
        using var batch = Collator.Collate(new MicroBatch([[0, 1]]), [A, B], ScalarType.Float32);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 5, 0, 1, 2, 3 }, TensorAssert.Longs(batch.PositionIds));
        Assert.Equal(new long[] { -100, -100, 20, 21, 2, -100, -100, 40, 2, -100 }, TensorAssert.Longs(batch.Labels));
        Assert.Null(batch.AttentionMask);
        var allowed = batch.AttentionBias!.eq(0).squeeze(0).squeeze(0); // [10, 10]
        for (int q = 0; q < 10; q++)
            for (int k = 0; k < 10; k++)
            {
                bool sameSeq = (q < 6) == (k < 6);
                Assert.True(allowed[q, k].item<bool>() == (sameSeq && k <= q), $"q={q} k={k}");
            }
    }

    [Fact]
    public void Collate_Padded_RightPadsWithoutMask()
    {
        using var batch = Collator.Collate(new MicroBatch([[0], [1]]), [A, B], ScalarType.Float32);
        Assert.Null(batch.AttentionMask);
        Assert.Null(batch.AttentionBias);
        Assert.Equal(new long[] { 10, 11, 12, 20, 21, 2, 30, 31, 40, 2, 0, 0 }, TensorAssert.Longs(batch.Ids));
        Assert.Equal(new long[] { -100, -100, 20, 21, 2, -100, -100, 40, 2, -100, -100, -100 }, TensorAssert.Longs(batch.Labels));
    }

    [Fact]
    public void PackedForward_EqualsEachSequenceAlone()
    {
        // float64: a correct mask makes the outputs equal up to rounding (bound 1e-10, for any kernel's reduction order);
        // a leaking mask moves them by ~1e-3 and more.
        using var model = new Bard.Model.CausalLM(Bard.Model.ModelPresets.Create("micro", 64));
        Bard.Model.ModelInit.Initialize(model, 1);
        TorchSharp.ModuleExtensionMethods.to(model, ScalarType.Float64);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var packed = Collator.Collate(new MicroBatch([[0, 1]]), [A, B], ScalarType.Float64);
        var both = model.Forward(packed.Ids, packed.AttentionMask, packed.PositionIds, attentionBias: packed.AttentionBias);
        var aAlone = model.Forward(tensor(A.Ids.Select(i => (long)i).ToArray(), [1, 6]));
        var bAlone = model.Forward(tensor(B.Ids.Select(i => (long)i).ToArray(), [1, 4]));
        TensorAssert.Close(aAlone, both.narrow(1, 0, 6), 1e-10, "first packed sequence");
        TensorAssert.Close(bAlone, both.narrow(1, 6, 4), 1e-10, "second packed sequence");
    }

    [Fact]
    public void PaddedForward_RealPositionsEqualEachSequenceAlone()
    {
        // float64: a correct mask makes the outputs equal up to rounding (bound 1e-10, for any kernel's reduction order);
        // a leaking mask moves them by ~1e-3 and more.
        using var model = new Bard.Model.CausalLM(Bard.Model.ModelPresets.Create("micro", 64));
        Bard.Model.ModelInit.Initialize(model, 1);
        TorchSharp.ModuleExtensionMethods.to(model, ScalarType.Float64);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var padded = Collator.Collate(new MicroBatch([[0], [1]]), [A, B], ScalarType.Float64);
        var both = model.Forward(padded.Ids, padded.AttentionMask, padded.PositionIds, attentionBias: padded.AttentionBias);
        var bAlone = model.Forward(tensor(B.Ids.Select(i => (long)i).ToArray(), [1, 4]));
        TensorAssert.Close(bAlone, both[1].narrow(0, 0, 4).unsqueeze(0), 1e-10, "padded row");
    }

    [Theory]
    [InlineData(Batching.Packed)]
    [InlineData(Batching.Padded)]
    public void BatchPlan_EveryEpoch_EachSequenceExactlyOnceAndSeeded(Batching batching)
    {
        var data = Enumerable.Range(0, 50).Select(i => TrainingSequence.PromptCompletion([1, 2 + i % 7], Enumerable.Repeat(3, 1 + i % 5).ToArray())).ToList();
        var config = new SftConfig { BatchSize = 4, MaxSeqLen = 16, Batching = batching, Seed = 9 };
        var e0 = BatchPlan.ForEpoch(data, config, 0);
        var e1 = BatchPlan.ForEpoch(data, config, 1);
        foreach (var plan in new[] { e0, e1 })
            Assert.Equal(Enumerable.Range(0, 50), plan.SelectMany(b => b.Rows.SelectMany(r => r)).OrderBy(i => i));
        Assert.Equal(Flatten(e0), Flatten(BatchPlan.ForEpoch(data, config, 0)));
        Assert.NotEqual(Flatten(e0), Flatten(e1));
        static int[] Flatten(IReadOnlyList<MicroBatch> p) => p.SelectMany(b => b.Rows.SelectMany(r => r)).ToArray();
    }
}
