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
}
