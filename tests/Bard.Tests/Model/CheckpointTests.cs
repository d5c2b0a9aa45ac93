using Bard.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Tests.Model;

public class CheckpointTests
{
    public static TheoryData<string> Models => new(Fixtures.HfModels);

    [Theory, MemberData(nameof(Models))]
    public void SaveThenLoad_StoredDType_TensorsBitIdenticalAndLogitsIdentical(string name)
    {
        string dir = Fixtures.Hf(name);
        var stored = ModelConfig.Load(Path.Combine(dir, "config.json")).StoredDType;
        using var model = Checkpoint.Load(dir, stored);
        using var tmp = new TempDir();
        Checkpoint.Save(model, tmp.Path);
        using var again = Checkpoint.Load(tmp.Path, stored);

        // Every tensor of the original files, byte for byte, in the saved checkpoint.
        using var original = CheckpointTensors.Open(dir);
        using var saved = CheckpointTensors.Open(tmp.Path);
        Assert.Equal(original.Names.OrderBy(n => n), saved.Names.OrderBy(n => n));
        using var scope = NewDisposeScope();
        foreach (var n in original.Names)
            TensorAssert.Equal(original.Load(n, stored), saved.Load(n, stored), $"{name} {n}");

        using var noGrad = no_grad();
        manual_seed(1);
        var ids = randint(0, model.Config.VocabSize, [2, 12], dtype: ScalarType.Int64);
        TensorAssert.Equal(model.Forward(ids), again.Forward(ids), $"{name} logits after save and load");
    }

    [Fact]
    public void Save_Float32Model_LoadsAgainWithIdenticalLogits()
    {
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-qwen2"));
        using var tmp = new TempDir();
        Checkpoint.Save(model, tmp.Path);
        Assert.Equal(ScalarType.Float32, ModelConfig.Load(tmp.File("config.json")).StoredDType);
        using var again = Checkpoint.Load(tmp.Path);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { 1, 5, 9, 200, 31 }, [1, 5]);
        TensorAssert.Equal(model.Forward(ids), again.Forward(ids), "logits");
    }

    [Fact]
    public void Load_TiedEmbeddings_SharedNotCopied()
    {
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"));
        Assert.True(model.Config.TieWordEmbeddings);
        Assert.DoesNotContain("lm_head.weight", model.state_dict().Keys);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { 3, 4 }, [1, 2]);
        var before = model.Forward(ids);
        // Changing row 7 of the embedding must change logit 7 and nothing else: the output uses that very matrix.
        model.Body.Embeddings.weight![7].add_(1.0f);
        var after = model.Forward(ids);
        var changed = (after - before).abs().gt(0).any(dim: 1).squeeze(0); // [V]
        Assert.Equal(new[] { 7L }, changed.nonzero().flatten().data<long>().ToArray());
    }

    [Fact]
    public void Save_CopiesTokenizerFilesWhenGiven()
    {
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"));
        using var tok = new TempDir();
        File.WriteAllText(tok.File("tokenizer.json"), "{}");
        File.WriteAllText(tok.File("tokenizer_config.json"), "{}");
        using var tmp = new TempDir();
        Checkpoint.Save(model, tmp.Path, tokenizerDir: tok.Path);
        Assert.True(File.Exists(tmp.File("tokenizer.json")));
        Assert.True(File.Exists(tmp.File("tokenizer_config.json")));
        Assert.True(File.Exists(tmp.File("model.safetensors")));
    }

    [Fact]
    public void Load_MissingAndMisShapedWeights_ReportedTogetherByName()
    {
        using var tmp = new TempDir();
        File.Copy(Path.Combine(Fixtures.Hf("tiny-qwen2"), "config.json"), tmp.File("config.json"));
        using (var src = CheckpointTensors.Open(Fixtures.Hf("tiny-qwen2")))
        using (var scope = NewDisposeScope())
        {
            var tensors = src.Names
                .Where(n => n != "model.norm.weight")
                .Select(n => new KeyValuePair<string, Tensor>(n, n == "lm_head.weight" ? zeros(10, 128) : src.Load(n, ScalarType.Float32)))
                .Append(new KeyValuePair<string, Tensor>("model.extra.weight", zeros(2)))
                .ToList();
            SafeTensorsWriter.WriteCheckpoint(tmp.Path, tensors);
        }
        var e = Assert.Throws<BardException>(() => Checkpoint.Load(tmp.Path));
        Assert.Contains("model.norm.weight", e.Message);
        Assert.Contains("lm_head.weight", e.Message);
        Assert.Contains("model.extra.weight", e.Message);
    }

    [Fact]
    public void Load_NoConfig_SaysWhatIsMissing()
    {
        using var tmp = new TempDir();
        var e = Assert.Throws<BardException>(() => Checkpoint.Load(tmp.Path));
        Assert.Contains("config.json", e.Message);
    }

    /// <summary>A copy of tiny-qwen2 whose config.json has <paramref name="field"/> set to <paramref name="value"/>.</summary>
    static TempDir WithConfigField(string field, long value)
    {
        var tmp = new TempDir();
        string src = Fixtures.Hf("tiny-qwen2");
        File.Copy(Path.Combine(src, "model.safetensors"), tmp.File("model.safetensors"));
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(src, "config.json")))!.AsObject();
        json[field] = value;
        File.WriteAllText(tmp.File("config.json"), json.ToJsonString());
        return tmp;
    }

    [Theory]
    [InlineData("vocab_size", 1_000_000_000, "model.embed_tokens.weight is [1024, 128] in model.safetensors, config.json says [1000000000, 128] (vocab_size, hidden_size)")]
    [InlineData("num_hidden_layers", 100_000, "the weights have 2 layers (model.layers.0 … 1), config.json says num_hidden_layers 100000")]
    public void Load_ConfigFarLargerThanItsWeights_RefusedNamingConfigAndTensorBeforeAllocating(string field, long value, string expected)
    {
        // 512 GB of embedding, or 100,000 layers: building the model first ended in an allocation failure (exit 70).
        using var tmp = WithConfigField(field, value);
        var e = Assert.Throws<BardException>(() => Checkpoint.Load(tmp.Path));
        Assert.StartsWith(tmp.File("config.json") + " describes a model of ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.Contains("Fix: use the config.json saved with these weights", e.Message);
    }

    [Fact]
    public void Load_ConfigSlightlyOffItsWeights_StillGetsTheStrictLoadersFullList()
    {
        using var tmp = WithConfigField("intermediate_size", 320); // 1.1× the weights: affordable, listed tensor by tensor
        var e = Assert.Throws<BardException>(() => Checkpoint.Load(tmp.Path));
        Assert.Contains("does not match the model", e.Message);
        Assert.Contains("model.layers.0.mlp.gate_proj.weight: model [320, 128] vs checkpoint [256, 128]", e.Message);
    }

    [Theory]
    [InlineData(float.NaN, "1 NaN, 0 ±Inf")]
    [InlineData(float.PositiveInfinity, "0 NaN, 1 ±Inf")]
    [InlineData(float.NegativeInfinity, "0 NaN, 1 ±Inf")]
    public void Load_NonFiniteWeight_RefusedNamingTheTensorAndFile(float bad, string counts)
    {
        using var tmp = Fixtures.CheckpointWith("tiny-qwen2", "model.layers.1.mlp.down_proj.weight", w => { w[3, 7] = tensor(bad); return w; });
        var e = Assert.Throws<BardException>(() => Checkpoint.Load(tmp.Path));
        Assert.Contains($"tensor 'model.layers.1.mlp.down_proj.weight' in {tmp.File("model.safetensors")} has non-finite values ({counts} of 32768)", e.Message);
        Assert.Contains("Fix:", e.Message);
    }
}
