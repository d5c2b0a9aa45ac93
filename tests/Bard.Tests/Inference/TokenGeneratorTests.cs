using Bard.Inference;
using Bard.Model;

namespace Bard.Tests.Inference;

public class TokenGeneratorTests
{
    static readonly int[][] Prompts = [[5, 17, 23, 99, 140, 7, 300, 12, 512], [44, 2, 901], [88, 3, 61, 700, 21, 9]];

    static IReadOnlyList<IReadOnlyList<int>> AsPrompts(params int[][] p) => p.Select(x => (IReadOnlyList<int>)x).ToList();

    [Theory]
    [InlineData("tiny-qwen3")]
    [InlineData("tiny-llama")]
    public void Generate_LeftPaddedBatch_EqualsEachPromptAlone(string name)
    {
        using var model = Checkpoint.Load(Fixtures.Hf(name));
        var gen = new TokenGenerator(model);
        var options = new GenerationOptions { MaxNewTokens = 20 };
        var batch = gen.Generate(AsPrompts(Prompts), options);
        for (int i = 0; i < Prompts.Length; i++)
        {
            var alone = gen.Generate(AsPrompts(Prompts[i]), options)[0];
            Assert.Equal(alone.Tokens, batch[i].Tokens);
        }
    }

    [Fact]
    public void Generate_SampledWithSeed_IsReproducibleAndSeedMatters()
    {
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"));
        var gen = new TokenGenerator(model);
        var options = new GenerationOptions { MaxNewTokens = 16, Temperature = 1.0, TopK = 50, TopP = 0.95, Seed = 3 };
        var a = gen.Generate(AsPrompts(Prompts), options);
        var b = gen.Generate(AsPrompts(Prompts), options);
        var c = gen.Generate(AsPrompts(Prompts), options with { Seed = 4 });
        for (int i = 0; i < Prompts.Length; i++) Assert.Equal(a[i].Tokens, b[i].Tokens);
        Assert.False(Enumerable.Range(0, Prompts.Length).All(i => a[i].Tokens.SequenceEqual(c[i].Tokens)), "a different seed gave the same samples");
    }

    [Fact]
    public void Generate_StopToken_EndsThatSequenceOnlyAndIsKept()
    {
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"));
        var gen = new TokenGenerator(model);
        var free = gen.Generate(AsPrompts(Prompts), new GenerationOptions { MaxNewTokens = 12 });
        int stopId = free[0].Tokens[3]; // the 4th greedy token of the first prompt
        var stopped = gen.Generate(AsPrompts(Prompts), new GenerationOptions { MaxNewTokens = 12, StopTokenIds = [stopId] });
        int firstStop = Array.IndexOf(free[0].Tokens, stopId);
        Assert.Equal(free[0].Tokens[..(firstStop + 1)], stopped[0].Tokens);
        Assert.Equal(FinishReason.Stop, stopped[0].Finish);
        for (int i = 1; i < Prompts.Length; i++)
        {
            int at = Array.IndexOf(free[i].Tokens, stopId);
            var expected = at < 0 ? free[i].Tokens : free[i].Tokens[..(at + 1)];
            Assert.Equal(expected, stopped[i].Tokens);
            Assert.Equal(at < 0 ? FinishReason.Length : FinishReason.Stop, stopped[i].Finish);
        }
    }

    /// <summary>Ends sequence <c>row</c> after <c>lengths[row]</c> tokens (the generator's own ending, as budget forcing uses it).</summary>
    sealed class EndAfter(params int[] lengths) : IGenerationControl
    {
        public (int Token, bool Stop) Next(int row, IReadOnlyList<int> generated, int sampled) => (sampled, generated.Count + 1 >= lengths[row]);
    }

    static readonly int[][] Six = [.. Prompts, [7, 7, 31, 2], [600, 5], [19, 250, 3, 3, 80, 41, 77]];

    [Fact]
    public void Generate_SequencesEndingAtDifferentSteps_EachEqualsItsPromptAlone()
    {
        // Rows that finish are dropped from the batch once half of it has finished (here after steps 5 and 12): the ones
        // still running must go on exactly as they would alone, left padding and cache included.
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"));
        var gen = new TokenGenerator(model);
        int[] lengths = [2, 20, 5, 2, 12, 5];
        var options = new GenerationOptions { MaxNewTokens = 20 };
        var batch = gen.Generate(AsPrompts(Six), options, control: new EndAfter(lengths));
        for (int i = 0; i < Six.Length; i++)
        {
            var alone = gen.Generate(AsPrompts(Six[i]), options, control: new EndAfter(lengths[i]))[0];
            Assert.Equal(lengths[i], batch[i].Tokens.Length);
            Assert.Equal(alone.Tokens, batch[i].Tokens);
        }
    }

    [Fact]
    public void Generate_Sampled_ASequencesTokensDoNotDependOnWhenTheOthersEnd()
    {
        // Sampling draws for the whole batch at every step, so dropping finished rows does not shift the random
        // stream of the rows after them (the last row here would move to the front of a compacted batch).
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"));
        var gen = new TokenGenerator(model);
        var options = new GenerationOptions { MaxNewTokens = 16, Temperature = 1.0, Seed = 11 };
        var early = gen.Generate(AsPrompts(Six), options, control: new EndAfter(1, 1, 2, 2, 3, 16));
        var late = gen.Generate(AsPrompts(Six), options, control: new EndAfter(16, 16, 16, 16, 16, 16));
        Assert.Equal(late[5].Tokens, early[5].Tokens);
        Assert.Equal(late[2].Tokens[..2], early[2].Tokens);
    }

    [Fact]
    public void Generate_Cancelled_Throws()
    {
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"));
        using var cts = new CancellationTokenSource();
        int steps = 0;
        Assert.Throws<OperationCanceledException>(() => new TokenGenerator(model).Generate(AsPrompts(Prompts),
            new GenerationOptions { MaxNewTokens = 50 }, cts.Token, onStep: _ => { if (++steps == 3) cts.Cancel(); }));
        Assert.Equal(3, steps);
    }

    [Fact]
    public void Generate_IdOutsideVocabulary_NamesPromptAndId()
    {
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"));
        var e = Assert.Throws<BardException>(() => new TokenGenerator(model).Generate(AsPrompts([1, 2], [5, 4096]), new GenerationOptions()));
        Assert.Contains("prompt 1", e.Message);
        Assert.Contains("4096", e.Message);
    }

    [CudaFact]
    public void Generate_OnCuda_GreedyEqualsCpuAndCacheStaysOnTheDevice()
    {
        using var onCpu = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"));
        using var onCuda = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"), device: DeviceSpec.Parse("cuda").Resolve());
        var options = new GenerationOptions { MaxNewTokens = 20 };
        var cpu = new TokenGenerator(onCpu).Generate(AsPrompts(Prompts), options);
        var cuda = new TokenGenerator(onCuda).Generate(AsPrompts(Prompts), options);
        for (int i = 0; i < Prompts.Length; i++) Assert.Equal(cpu[i].Tokens, cuda[i].Tokens);
        using var cache = onCuda.CreateCache(2, 8);
        var (k, _) = cache.Write(0, TorchSharp.torch.zeros([2, onCuda.Config.NumKvHeads, 1, onCuda.Config.HeadDim], device: onCuda.Device), TorchSharp.torch.zeros([2, onCuda.Config.NumKvHeads, 1, onCuda.Config.HeadDim], device: onCuda.Device));
        Assert.Equal(TorchSharp.DeviceType.CUDA, k.device_type);
    }
}

public class TokenGeneratorLeakTests
{
    [Fact]
    public void Generate_LiveTensorCount_FlatAcrossStepsAndBackToBaseline()
    {
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"));
        var gen = new TokenGenerator(model);
        IReadOnlyList<IReadOnlyList<int>> prompts = [new[] { 1, 2, 3 }, new[] { 9, 8 }];
        var options = new GenerationOptions { MaxNewTokens = 12, Temperature = 0.8, Seed = 5 };
        gen.Generate(prompts, options); // warm-up: lazily created native state
        var stats = TorchSharp.DisposeScopeManager.Statistics;
        long before = stats.ThreadTotalLiveCount;
        var perStep = new List<long>();
        gen.Generate(prompts, options, onStep: _ => perStep.Add(stats.ThreadTotalLiveCount));
        Assert.Equal(12, perStep.Count);
        Assert.True(perStep.Skip(1).All(c => c == perStep[1]), $"live tensors per step: {string.Join(",", perStep)}");
        Assert.Equal(before, stats.ThreadTotalLiveCount);
    }
}
