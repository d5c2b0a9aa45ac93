using Bard.Model;
using Bard.Training;

namespace Bard.Tests.Training;

public class MemoryEstimateTests
{
    // d = 8, I = 16, 2 layers, 2 heads of 4, 1 kv head, vocabulary 10, tied, Qwen3 (q/k norm).
    // Parameters by hand: attention 8·8 + 2·8·4 + 8·8 + 2·4 (q/k norm) = 200; MLP 3·8·16 = 384;
    // layer 200 + 384 + 2·8 = 600; embeddings 80; total 80 + 2·600 + 8 = 1288.
    static readonly ModelConfig Shape = new()
    {
        Family = ModelFamily.Qwen3, VocabSize = 10, HiddenSize = 8, IntermediateSize = 16, NumLayers = 2,
        NumHeads = 2, NumKvHeads = 1, HeadDim = 4, TieWordEmbeddings = true,
    };

    [Fact]
    public void LayerElementsPerToken_ByHand()
    {
        Assert.Equal(1288, Shape.ParameterCount);
        // 6·8 + 6·2·4 + 4·1·4 + 4·16 = 48 + 48 + 16 + 64.
        Assert.Equal(176, MemoryEstimate.LayerElementsPerToken(Shape));
    }

    // Batch 2 × length 3 = 6 tokens. Activations per token: layers + head V·(e + 8).
    // fp32 (e = 4): 2·176·4 + 10·12 = 1528; checkpointed: 2·8·4 + 176·4 + 120 = 888.
    // bf16 (e = 2): 2·176·2 + 10·10 = 804;  checkpointed: 2·8·2 + 176·2 + 100 = 484.
    [Theory]
    [InlineData(Precision.Fp32, false, 0, 5152, 5152, 10304, 6 * 1528)]
    [InlineData(Precision.Fp32, true, 0, 5152, 5152, 10304, 6 * 888)]
    [InlineData(Precision.Bf16, false, 0, 7728, 7728, 10304, 6 * 804)]
    [InlineData(Precision.Bf16, true, 0, 7728, 7728, 10304, 6 * 484)]
    [InlineData(Precision.Fp32, false, 1, 10304, 5152, 10304, 6 * 1528)] // + a float32 reference copy (RL, β > 0)
    public void ForTraining_ByHand(Precision precision, bool checkpointing, int frozen, long weights, long gradients, long optimizer, long activations)
    {
        var e = MemoryEstimate.ForTraining(Shape, precision, batch: 2, length: 3, checkpointing, frozen);
        Assert.Equal(new MemoryEstimate(weights, gradients, optimizer, activations), e);
        Assert.Equal(weights + gradients + optimizer + activations, e.Total);
    }

    [Fact]
    public void ForTraining_Qwen3_8B_Bf16_WeightsGradsAndAdamIs16BytesPerParameter()
    {
        var qwen3_8b = new ModelConfig
        {
            Family = ModelFamily.Qwen3, VocabSize = 151936, HiddenSize = 4096, IntermediateSize = 12288, NumLayers = 36,
            NumHeads = 32, NumKvHeads = 8, HeadDim = 128, TieWordEmbeddings = false,
        };
        var e = MemoryEstimate.ForTraining(qwen3_8b, Precision.Bf16, 1, 2048, gradientCheckpointing: true);
        Assert.Equal(20 * qwen3_8b.ParameterCount, e.Weights + e.Gradients + e.OptimizerState); // 6 + 6 + 8 bytes
        Assert.InRange(qwen3_8b.ParameterCount, 8.1e9, 8.3e9); // Qwen3-8B: 8.19B
    }

    [Fact]
    public void EnsureFits_OverTheDeviceMemory_ThrowsWithBothNumbers()
    {
        var e = MemoryEstimate.ForTraining(Shape, Precision.Fp32, 2, 3, false);
        e.EnsureFits(e.Total, "cpu");  // exactly fits
        e.EnsureFits(null, "cuda:0");  // unknown memory: not enforced
        var error = Assert.Throws<BardException>(() => e.EnsureFits(e.Total - 1, "cuda:0"));
        Assert.Contains("cuda:0", error.Message);
        Assert.Contains("activations", error.Message);
        Assert.Contains("gradient_checkpointing", error.Message);
        Assert.Contains("--batch-size", error.Message);
    }

    [Fact]
    public void DeviceMemory_Cpu_IsPositive()
    {
        Assert.True(MemoryEstimate.DeviceMemory(DeviceSpec.Cpu) > 0);
    }
}
