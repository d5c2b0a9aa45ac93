using Bard.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Tests.Model;

public class AttentionTests
{
    [Fact]
    public void Bf16CpuTraining_MatmulAttention_MatchesTheFusedKernel_LossAndGradients()
    {
        // bf16 training on the CPU takes the matmul + fp32-softmax attention; it must compute what SDPA computes,
        // for plain causal rows and for padded rows with an explicit mask.
        var config = ModelPresets.Create("micro", 50);
        var ids = tensor(new long[] { 5, 9, 2, 7, 7, 1, 3, 8, 0, 0, 4, 6, 2, 9, 1, 5 }, [2, 8]);
        var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0 }, [2, 8]);
        (float Loss, float[] Grad) Run(bool matmul, Tensor? attentionMask)
        {
            bool before = Attention.MatmulAttentionOnCpuBf16;
            Attention.MatmulAttentionOnCpuBf16 = matmul;
            try
            {
                using var scope = NewDisposeScope();
                using var model = new CausalLM(config);
                ModelInit.Initialize(model, 3);
                model.to(ScalarType.BFloat16);
                var loss = model.Forward(ids, attentionMask).to(ScalarType.Float32).log_softmax(-1).mean();
                loss.backward();
                using var grad = model.Body.Layers[0].named_parameters().First(p => p.name.Contains("q_proj")).parameter.grad!;
                return (loss.item<float>(), grad.to(ScalarType.Float32).flatten().data<float>().ToArray());
            }
            finally { Attention.MatmulAttentionOnCpuBf16 = before; }
        }
        foreach (var m in new[] { null, mask })
        {
            var (fusedLoss, fusedGrad) = Run(false, m);
            var (matmulLoss, matmulGrad) = Run(true, m);
            Assert.Equal(fusedLoss, matmulLoss, 0.02f);
            double scale = fusedGrad.Max(Math.Abs);
            Assert.True(scale > 0, "no gradient reached q_proj");
            double worst = fusedGrad.Zip(matmulGrad, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst <= 0.05 * scale, $"largest q_proj gradient difference {worst} vs scale {scale} (mask: {m is not null})");
        }
    }
}
