using Bard.Model;
using Bard.Rl;
using static TorchSharp.torch;

namespace Bard.Tests.Rl;

public class CompletionLogProbsTests
{
    [Fact]
    public void Compute_BatchOfUnequalLengths_EqualsScoringEachSequenceAlone()
    {
        // float64: batching changes matmul shapes, hence rounding; in float64 that stays far below the bound 1e-10 on
        // log-probs of magnitude ~12, where a padding or position error moves them by ≥ 1e-3.
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"), ScalarType.Float64);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int[][] prompts = [[5, 17, 23], [44, 2, 901, 7, 8], [3]];
        int[][] completions = [[99, 140, 7, 300], [12], [512, 6, 6]];
        var (logp, mask) = CompletionLogProbs.Compute(model, prompts, completions);
        Assert.Equal(new long[] { 3, 4 }, logp.shape);
        Assert.Equal(new float[] { 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0 }, mask.data<float>().ToArray());
        for (int i = 0; i < 3; i++)
        {
            var full = prompts[i].Concat(completions[i]).Select(x => (long)x).ToArray();
            var alone = model.TokenLogProbs(tensor(full, [1, full.Length]))[0]; // [n−1]
            var expected = alone.narrow(0, prompts[i].Length - 1, completions[i].Length);
            TensorAssert.Close(expected, logp[i].narrow(0, 0, completions[i].Length), 1e-10, $"row {i}");
        }
    }

    [Fact]
    public void Compute_Temperature_ScalesLogitsBeforeSoftmax()
    {
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-llama"));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (hot, _) = CompletionLogProbs.Compute(model, [[1, 2, 3]], [[4]], temperature: 2.0);
        var logits = model.Forward(tensor(new long[] { 1, 2, 3 }, [1, 3]))[0, 2] / 2.0;
        var expected = logits.log_softmax(-1)[4].item<float>();
        Assert.Equal(expected, hot[0, 0].item<float>(), 5);
    }

    [Fact]
    public void Compute_WithGrad_BackwardReachesParameters()
    {
        using var model = new CausalLM(ModelPresets.Create("micro", 16));
        ModelInit.Initialize(model, 2);
        using var scope = NewDisposeScope();
        var (logp, mask) = CompletionLogProbs.Compute(model, [[1, 2]], [[3, 4]]);
        (logp * mask).sum().backward();
        foreach (var (name, p) in model.named_parameters())
            Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0, $"{name} got no gradient");
    }
}
