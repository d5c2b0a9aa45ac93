using Bard.Model;
using static TorchSharp.torch;

namespace Bard.Tests.Model;

public class KvCacheTests
{
    public static TheoryData<string> Models => new(Fixtures.HfModels);

    [Theory, MemberData(nameof(Models))]
    public void DecodeWithCache_32Steps_EqualsFullForward(string name)
    {
        using var model = Checkpoint.Load(Fixtures.Hf(name));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        manual_seed(7);
        var ids = randint(0, model.Config.VocabSize, [2, 40], dtype: ScalarType.Int64);
        var full = model.Forward(ids); // [2, 40, V]
        const int prefill = 8, steps = 32;
        using var cache = model.CreateCache(2, prefill + steps);
        var first = model.Forward(ids.narrow(1, 0, prefill), cache: cache);
        TensorAssert.Close(full.narrow(1, 0, prefill), first, 1e-5, $"{name} prefill");
        for (int t = prefill; t < prefill + steps; t++)
        {
            var step = model.Forward(ids.narrow(1, t, 1), cache: cache);
            TensorAssert.Close(full.narrow(1, t, 1), step, 1e-5, $"{name} cached step {t}");
        }
        Assert.Equal(prefill + steps, cache.Length);
    }

    [Fact]
    public void DecodeWithCache_LeftPaddedBatch_EqualsFullForwardAtRealPositions()
    {
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"));
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
            TensorAssert.Close(full.narrow(1, t, 1), step, 1e-5, $"padded cached step {t}");
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
