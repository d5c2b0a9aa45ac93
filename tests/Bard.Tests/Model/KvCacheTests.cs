using Bard.Model;
using static TorchSharp.torch;

namespace Bard.Tests.Model;

public class KvCacheTests
{
    public static TheoryData<string> Models => new(Fixtures.HfModels);

    public static TheoryData<string, ScalarType, double> ModelsAndPrecisions()
    {
        var data = new TheoryData<string, ScalarType, double>();
        foreach (var m in Fixtures.HfModels)
        {
            // float64 shows the two paths compute the same function (measured: ≤ 1e-14 apart);
            // float32 differs by rounding only (measured: up to 2e-5 on logits of magnitude 7.7, where
            // transformers' own float32 logits are 1.5e-5 from the float64 values).
            data.Add(m, ScalarType.Float64, 1e-10);
            data.Add(m, ScalarType.Float32, 1e-4);
        }
        return data;
    }

    [Theory, MemberData(nameof(ModelsAndPrecisions))]
    public void DecodeWithCache_32Steps_EqualsFullForward(string name, ScalarType dtype, double atol)
    {
        using var model = Checkpoint.Load(Fixtures.Hf(name), dtype);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        manual_seed(7);
        var ids = randint(0, model.Config.VocabSize, [2, 40], dtype: ScalarType.Int64);
        var full = model.Forward(ids); // [2, 40, V]
        const int prefill = 8, steps = 32;
        using var cache = model.CreateCache(2, prefill + steps);
        var first = model.Forward(ids.narrow(1, 0, prefill), cache: cache);
        TensorAssert.Close(full.narrow(1, 0, prefill), first, atol, $"{name} {dtype} prefill");
        for (int t = prefill; t < prefill + steps; t++)
        {
            var step = model.Forward(ids.narrow(1, t, 1), cache: cache);
            TensorAssert.Close(full.narrow(1, t, 1), step, atol, $"{name} {dtype} cached step {t}");
        }
        Assert.Equal(prefill + steps, cache.Length);
    }

    [Fact]
    public void DecodeWithCache_LeftPaddedBatch_EqualsFullForwardAtRealPositions()
    {
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"), ScalarType.Float64);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        manual_seed(11);
        var ids = randint(3, model.Config.VocabSize, [2, 20], dtype: ScalarType.Int64);
        var mask = ones([2, 20], dtype: ScalarType.Int64);
        mask[1, TensorIndex.Slice(0, 5)] = tensor(0L);
        var full = model.Forward(ids, mask);
        using var cache = model.CreateCache(2, 20);
        model.Forward(ids.narrow(1, 0, 10), mask.narrow(1, 0, 10), cache: cache);
        for (int t = 10; t < 20; t++)
        {
            var step = model.Forward(ids.narrow(1, t, 1), mask.narrow(1, 0, t + 1), cache: cache);
            TensorAssert.Close(full.narrow(1, t, 1), step, 1e-10, $"padded cached step {t}");
        }
    }

    [Fact]
    public void Write_BeyondMaxLength_Throws()
    {
        using var cache = new KvCache(1, 1, 2, 4, 8, ScalarType.Float32, CPU);
        using var scope = NewDisposeScope();
        var kv = zeros(1, 2, 3, 8);
        cache.Write(0, kv, kv);
        cache.Advance(3);
        Assert.Throws<InvalidOperationException>(() => cache.Write(0, kv, kv));
    }
}
