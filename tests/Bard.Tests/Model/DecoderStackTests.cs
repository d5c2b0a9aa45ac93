using Bard.Model;
using Bard.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Tests.Model;

/// <summary>Gradient checkpointing (<see cref="DecoderStack.BackwardWithRecompute"/>) against the plain backward.</summary>
public class DecoderStackTests
{
    static CausalLM Model(ModelConfig config)
    {
        var model = new CausalLM(config);
        ModelInit.Initialize(model, 5);
        // float64: recomputation is the same function, so the gradients agree to float64 rounding (bound 1e-12); in
        // float32 the recomputed pass may round differently wherever the kernels' blocking or alignment differs.
        model.to(ScalarType.Float64);
        return model;
    }

    static Dictionary<string, Tensor> Grads(CausalLM model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.detach().clone().DetachFromDisposeScope());

    static void ZeroGrads(CausalLM model)
    {
        foreach (var p in model.parameters()) p.grad?.zero_();
    }

    public static TheoryData<string> Layouts => new() { "packed", "padded", "untied" };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void BackwardWithRecompute_EveryParameterGradientEqualsPlainBackward(string layout)
    {
        var config = ModelPresets.Create("micro", 32) with { NumLayers = 3, TieWordEmbeddings = layout != "untied", NumKvHeads = 1 };
        using var model = Model(config);
        model.train();
        // Packed: two sequences in one row (block-diagonal bias); padded: rows of different lengths.
        var data = new List<TrainingSequence>
        {
            TrainingSequence.PromptCompletion([1, 4, 5, 13], [7, 2]),
            TrainingSequence.PromptCompletion([1, 6, 13], [9, 8, 2]),
            TrainingSequence.PromptCompletion([1, 3, 3, 3, 13], [6, 2]),
        };
        var rows = layout == "packed" ? new List<IReadOnlyList<int>> { new[] { 0, 1 }, new[] { 2 } } : [new[] { 0 }, new[] { 1 }, new[] { 2 }];
        using var batch = Collator.Collate(new MicroBatch(rows), data, ScalarType.Float64, 0, DeviceSpec.Cpu.Resolve());

        using var plainLoss = SftTrainer.LossSum(model, batch) / 7.0;
        plainLoss.backward();
        var plain = Grads(model);
        ZeroGrads(model);
        using var recomputedLoss = model.BackwardWithRecompute(batch.Ids, logits => SftTrainer.LossSum(logits, batch.Labels) / 7.0,
            batch.AttentionMask, batch.PositionIds, batch.AttentionBias);
        var recomputed = Grads(model);

        Assert.True(Math.Abs(plainLoss.ToDouble() - recomputedLoss.ToDouble()) <= 1e-12, $"loss {plainLoss.ToDouble():R} vs {recomputedLoss.ToDouble():R}");
        Assert.Equal(plain.Keys.Order(), recomputed.Keys.Order());
        foreach (var (name, g) in plain)
        {
            double diff = (g - recomputed[name]).abs().max().ToDouble();
            Assert.True(diff <= 1e-12, $"{name}: max |Δgrad| = {diff:E2}");
            Assert.True(g.abs().sum().ToDouble() > 0, $"{name}: zero gradient, the comparison proves nothing");
        }
        foreach (var t in plain.Values.Concat(recomputed.Values)) t.Dispose();
    }
}
