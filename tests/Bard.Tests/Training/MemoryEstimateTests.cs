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

    // LoRA r = 2 on all seven linear layers of both layers: per layer q 2·(8+8) + k, v 2·(8+4) each + o 2·(8+8)
    // + gate, up 2·(8+16) each + down 2·(16+8) = 32 + 24 + 24 + 32 + 48 + 48 + 48 = 256; a = 512 adapter values.
    // Weights: the frozen base once (e · 1288) + 4a; gradients 4a; AdamW 8a.
    // Activations per token: the base's (as above) + per adapted layer 4·r (A's output) = 14 · 8 = 112, and in bf16 the
    // float32 copy of each distinct input: per layer 4 · (8 (q, k, v) + 8 (o) + 8 (gate, up) + 16 (down)) = 160, both
    // layers 320. Checkpointing holds one layer's share: half.
    [Theory]
    [InlineData(Precision.Fp32, false, 5152 + 2048, 6 * (1528 + 112))]
    [InlineData(Precision.Bf16, false, 2576 + 2048, 6 * (804 + 112 + 320))]
    [InlineData(Precision.Bf16, true, 2576 + 2048, 6 * (484 + (112 + 320) / 2))]
    public void ForLora_ByHand(Precision precision, bool checkpointing, long weights, long activations)
    {
        var lora = new Bard.Lora.LoraConfig { R = 2 };
        Assert.Equal(512, lora.ParameterCount(Shape));
        var e = MemoryEstimate.ForLora(Shape, lora, precision, batch: 2, length: 3, checkpointing);
        Assert.Equal(new MemoryEstimate(weights, 4 * 512, 8 * 512, activations), e);
    }

    [Fact]
    public void ForLora_Qwen3_8B_R64AllLinear_FitsOneGpuWhereFullTrainingDoesNot()
    {
        var qwen3_8b = Bard.Bench.BenchShapes.Create("8b");
        var lora = new Bard.Lora.LoraConfig { R = 64 };
        // r · (in + out) over 36 layers: q 4096+4096, k and v 4096+1024, o 4096+4096, gate and up 4096+12288, down 12288+4096.
        long perLayer = 64L * ((4096 + 4096) * 2 + (4096 + 1024) * 2 + (4096 + 12288) * 3);
        Assert.Equal(36 * perLayer, lora.ParameterCount(qwen3_8b));
        var lo = MemoryEstimate.ForLora(qwen3_8b, lora, Precision.Bf16, 1, 2048, gradientCheckpointing: true);
        var full = MemoryEstimate.ForTraining(qwen3_8b, Precision.Bf16, 1, 2048, gradientCheckpointing: true);
        Assert.Equal(2 * qwen3_8b.ParameterCount + 4 * 36 * perLayer, lo.Weights); // bf16 base + float32 adapters
        double gib = 1024.0 * 1024 * 1024;
        Assert.InRange(lo.Total / gib, 16, 40);      // one 80 GB GPU
        Assert.True(full.Total / gib > 141, $"full fine-tuning: {full}"); // more than one H200
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
