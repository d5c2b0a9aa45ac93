using Bard.Inference;
using static TorchSharp.torch;

namespace Bard.Tests.Inference;

public class SamplerTests
{
    // Logits of probabilities 0.5, 0.25, 0.15, 0.1: the mass ranked above each token is 0, 0.5, 0.75, 0.9.
    static Tensor Logits() => tensor(new float[] { MathF.Log(0.5f), MathF.Log(0.25f), MathF.Log(0.15f), MathF.Log(0.1f) }, [1, 4]);

    [Theory]
    [InlineData(0, 1.0, new[] { true, true, true, true })]
    [InlineData(2, 1.0, new[] { true, true, false, false })]
    [InlineData(1, 1.0, new[] { true, false, false, false })]
    [InlineData(0, 0.5, new[] { true, false, false, false })]   // 0.5 alone reaches p
    [InlineData(0, 0.6, new[] { true, true, false, false })]    // 0.5 < 0.6 ≤ 0.75
    [InlineData(0, 0.8, new[] { true, true, true, false })]     // 0.75 < 0.8 ≤ 0.9
    [InlineData(3, 0.6, new[] { true, true, false, false })]
    public void Filter_TopKTopP_KeepsExpectedTokens(int topK, double topP, bool[] kept)
    {
        using var scope = NewDisposeScope();
        var f = Sampler.Filter(Logits(), topK, topP);
        var finite = f.isfinite().data<bool>().ToArray();
        Assert.Equal(kept, finite);
    }

    [Fact]
    public void Next_Greedy_PicksArgmax()
    {
        using var scope = NewDisposeScope();
        using var sampler = new Sampler(new GenerationOptions());
        var logits = tensor(new float[] { 0, 3, 1, 2, 9, 0 }, [2, 3]);
        Assert.Equal(new long[] { 1, 1 }, sampler.Next(logits).data<long>().ToArray());
    }

    [Fact]
    public void Next_Temperature_FrequenciesFollowProbabilities()
    {
        using var scope = NewDisposeScope();
        using var sampler = new Sampler(new GenerationOptions { Temperature = 1.0, Seed = 1 });
        var logits = Logits().expand(4000, 4);
        var picks = sampler.Next(logits).data<long>().ToArray();
        double p0 = picks.Count(x => x == 0) / 4000.0, p1 = picks.Count(x => x == 1) / 4000.0;
        Assert.InRange(p0, 0.46, 0.54);
        Assert.InRange(p1, 0.21, 0.29);
    }

    [Fact]
    public void InverseCdf_FrequenciesFollowProbabilities_AndNeverPickAZeroProbabilityToken()
    {
        // The sampling path off the CPU (CUDA has no seeded generator in TorchSharp 0.107), checked on the CPU.
        using var scope = NewDisposeScope();
        var probs = tensor(new float[] { 0f, 0.5f, 0f, 0.25f, 0.25f, 0f }).expand(8000, 6);
        var u = rand([8000, 1], generator: new Generator(3));
        var picks = Sampler.InverseCdf(probs, u).data<long>().ToArray();
        Assert.DoesNotContain(picks, x => x is 0 or 2 or 5);
        Assert.InRange(picks.Count(x => x == 1) / 8000.0, 0.47, 0.53);
        Assert.InRange(picks.Count(x => x == 3) / 8000.0, 0.22, 0.28);
        // The ends of [0, 1): u = 0 takes the first token with mass, u → 1 the last one.
        var ends = Sampler.InverseCdf(probs.narrow(0, 0, 2), tensor(new float[] { 0f, 0.9999999f }, [2, 1])).data<long>().ToArray();
        Assert.Equal(new long[] { 1, 4 }, ends);
    }

    [Theory]
    [InlineData(-1.0, 0, 1.0, "Temperature")]
    [InlineData(1.0, -1, 1.0, "TopK")]
    [InlineData(1.0, 0, 0.0, "TopP")]
    [InlineData(1.0, 0, 1.5, "TopP")]
    public void Validate_BadOption_NamesIt(double temperature, int topK, double topP, string field)
    {
        var e = Assert.Throws<BardException>(() => new GenerationOptions { Temperature = temperature, TopK = topK, TopP = topP }.Validate());
        Assert.Contains(field, e.Message);
    }

    [Theory]
    [InlineData(float.NaN, 0.0)]
    [InlineData(float.PositiveInfinity, 0.0)]
    [InlineData(float.NegativeInfinity, 0.0)]
    [InlineData(float.NaN, 1.0)]
    public void Next_NonFiniteLogits_IsABardErrorNamingTheStep(float bad, double temperature)
    {
        using var scope = NewDisposeScope();
        using var sampler = new Sampler(new GenerationOptions { Temperature = temperature, Seed = 3 });
        Assert.Equal(2, sampler.Next(tensor(new float[] { 0, 1, 5, 2 }, [1, 4])).item<long>()); // step 1 is fine
        var logits = tensor(new float[] { 0, 1, 5, 2, 0, bad, 1, 2 }, [2, 4]);
        var e = Assert.Throws<BardException>(() => sampler.Next(logits));
        Assert.StartsWith("decoding step 2: the logits are not finite (1 of 2 rows hold NaN or ±Inf)", e.Message);
        Assert.Contains("weights or activations are not finite", e.Message);
    }
}
