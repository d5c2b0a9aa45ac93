using Bard.Training;
using static TorchSharp.torch;

namespace Bard.Tests.Training;

public class AdamWTests
{
    [Fact]
    public void Step_FirstAndSecond_MatchHandComputedRows()
    {
        using var scope = NewDisposeScope();
        // A vector (no decay) and a matrix (decayed), gradients set by hand.
        var vec = tensor(new float[] { 1.0f }).requires_grad_(true);
        var mat = tensor(new float[] { 1.0f }, [1, 1]).requires_grad_(true);
        using var opt = new AdamW([("vec", vec), ("mat", mat)], beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1);
        vec.grad = tensor(new float[] { 0.5f });
        mat.grad = tensor(new float[] { 0.5f }, [1, 1]);
        opt.Step(0.1);
        // m = 0.05, v = 0.00025; m̂ = 0.5, v̂ = 0.25: update = 0.1 · 0.5 / (0.5 + 1e-8) ≈ 0.1.
        Assert.Equal(0.9, vec.item<float>(), 6);
        Assert.Equal(1.0 * (1 - 0.1 * 0.1) - 0.1, mat.item<float>(), 6); // decay first: 0.99 − 0.1
        // Step 2 with gradient −0.5: m = 0.045 − 0.05 = −0.005, v = 0.00049975; m̂ = −0.005/0.19 = −0.0263158,
        // v̂ = 0.00049975/0.001999 = 0.25; update = 0.1 · (−0.0263158)/0.5 = −0.00526316.
        vec.grad = tensor(new float[] { -0.5f });
        opt.Step(0.1);
        Assert.Equal(0.9 + 0.00526316, vec.item<float>(), 5);
        Assert.Equal(2, opt.Steps);
    }

    [Fact]
    public void SaveLoad_ThenStep_SameAsWithoutInterruption()
    {
        using var scope = NewDisposeScope();
        using var tmp = new TempDir();
        Tensor Param() => tensor(new float[] { 0.3f, -0.2f, 0.7f, 0.1f }, [2, 2]).requires_grad_(true);
        var a = Param();
        var b = Param();
        using var optA = new AdamW([("w", a)], 0.9, 0.95, 1e-8, 0.1);
        using (var optB = new AdamW([("w", b)], 0.9, 0.95, 1e-8, 0.1))
        {
            foreach (var (p, o) in new[] { (a, optA), (b, optB) })
            {
                p.grad = tensor(new float[] { 0.1f, 0.2f, -0.3f, 0.4f }, [2, 2]);
                o.Step(0.01);
            }
            optB.Save(tmp.File("opt.safetensors"));
        }
        using var optB2 = new AdamW([("w", b)], 0.9, 0.95, 1e-8, 0.1);
        optB2.Load(tmp.File("opt.safetensors"));
        foreach (var (p, o) in new[] { (a, optA), (b, optB2) })
        {
            p.grad = tensor(new float[] { -0.1f, 0.5f, 0.3f, 0.0f }, [2, 2]);
            o.Step(0.01);
        }
        TensorAssert.Equal(a.detach(), b.detach(), "parameters after save, load and a second step");
    }

    [Fact]
    public void Load_StateOfAnotherModel_NamesTheMissingTensor()
    {
        using var scope = NewDisposeScope();
        using var tmp = new TempDir();
        using (var opt = new AdamW([("a", zeros(2))], 0.9, 0.95, 1e-8, 0)) opt.Save(tmp.File("opt.safetensors"));
        using var other = new AdamW([("b", zeros(2))], 0.9, 0.95, 1e-8, 0);
        var e = Assert.Throws<BardException>(() => other.Load(tmp.File("opt.safetensors")));
        Assert.Contains("exp_avg.b", e.Message);
    }
}
