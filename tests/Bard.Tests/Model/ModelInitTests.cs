using Bard.Model;
using static TorchSharp.torch;

namespace Bard.Tests.Model;

public class ModelInitTests
{
    [Fact]
    public void Initialize_SameSeed_SameWeights_OtherSeed_Different()
    {
        using var a = new CausalLM(ModelPresets.Create("micro", 32));
        using var b = new CausalLM(ModelPresets.Create("micro", 32));
        using var c = new CausalLM(ModelPresets.Create("micro", 32));
        ModelInit.Initialize(a, 1);
        ModelInit.Initialize(b, 1);
        ModelInit.Initialize(c, 2);
        var pb = b.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var pc = c.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var scope = NewDisposeScope();
        foreach (var (name, p) in a.named_parameters())
        {
            TensorAssert.Equal(p.detach(), pb[name].detach(), name);
            if (name.EndsWith("norm.weight"))
                Assert.True(p.eq(1).all().item<bool>(), $"{name} is not all ones");
            else
            {
                Assert.False(p.equal(pc[name]).all().item<bool>(), $"{name} is the same under another seed");
                Assert.InRange(p.std().item<float>(), 0.015, 0.025);
            }
        }
    }

    [Theory]
    // micro: embed 54·64 + 2 × (attn 4·64² + q/k norm 2·32 + mlp 3·64·192 + norms 2·64) + final norm 64.
    [InlineData("micro", 54, 110_400)]
    // small: 54·256 + 4 × (4·256² + 2·64 + 3·256·768 + 2·256) + 256 (the prototype's student, tied, with q/k norm).
    [InlineData("small", 54, 3_424_512)]
    public void Presets_ParameterCounts(string preset, int vocab, long expected)
    {
        var config = ModelPresets.Create(preset, vocab);
        Assert.Equal(expected, config.ParameterCount);
    }

    [Fact]
    public void Presets_UnknownName_ListsTheKnownOnes()
    {
        var e = Assert.Throws<BardException>(() => ModelPresets.Create("huge", 10));
        Assert.Contains("small", e.Message);
    }
}
