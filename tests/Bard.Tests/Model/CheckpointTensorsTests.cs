using System.Text.Json;
using System.Text.Json.Nodes;
using Bard.Model;
using TorchSharp;
using static Bard.Tests.Model.SafeTensorsTestFiles;

namespace Bard.Tests.Model;

public class CheckpointTensorsTests
{
    [Fact]
    public void Open_SingleFileQwen3_NamesAndInfoFromItsHeader()
    {
        using var checkpoint = CheckpointTensors.Open(Fixtures.Hf("tiny-qwen3"));
        Assert.False(checkpoint.IsSharded);
        Assert.Equal([Fixture("tiny-qwen3/model.safetensors")], checkpoint.Files);
        Assert.Equal(24, checkpoint.Names.Count);
        Assert.DoesNotContain("lm_head.weight", checkpoint.Names); // tied: stored once, as the embedding
        Assert.Equal([1024L, 128], checkpoint.Info("model.embed_tokens.weight").Shape);
        using var f32 = checkpoint.Load("model.norm.weight", torch.ScalarType.Float32);
        using var raw = checkpoint.Load("model.norm.weight");
        Assert.Equal(torch.ScalarType.BFloat16, raw.dtype);
        Assert.Equal(new[] { 1.265625f, 0.92578125f }, f32.data<float>().Take(2).ToArray()); // bf16 words 0x3fa2, 0x3f6d
    }

    [Fact]
    public void Open_ShardedLlama_EveryIndexEntryFromItsShard()
    {
        var dir = Fixtures.Hf("tiny-llama");
        var weightMap = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "model.safetensors.index.json")))!["weight_map"]!.AsObject();
        using var checkpoint = CheckpointTensors.Open(dir);
        Assert.True(checkpoint.IsSharded);
        Assert.Equal(10, checkpoint.Files.Count);
        Assert.Equal(weightMap.Select(kv => kv.Key).Order(StringComparer.Ordinal), checkpoint.Names);
        foreach (var (name, shard) in weightMap)
        {
            using var file = SafeTensorsFile.Open(Path.Combine(dir, shard!.GetValue<string>()));
            using var expected = file.Load(name);
            using var actual = checkpoint.Load(name, torch.ScalarType.Float32);
            Assert.Equal(file.Tensors[name], checkpoint.Info(name));
            Assert.True(expected.bytes.SequenceEqual(actual.bytes), name);
        }
        using var embed = checkpoint.Load("model.embed_tokens.weight", torch.ScalarType.Float32);
        Assert.Equal(-0.2559973895549774f, embed.data<float>()[0]);
    }

    [Fact]
    public void Open_IndexNamesMissingShards_ListsThem()
    {
        using var tmp = CopyOfLlama();
        File.Delete(tmp.File("model-00003-of-00010.safetensors"));
        File.Delete(tmp.File("model-00007-of-00010.safetensors"));
        var e = Assert.Throws<BardException>(() => CheckpointTensors.Open(tmp.Path));
        Assert.Contains(tmp.File("model.safetensors.index.json"), e.Message);
        Assert.Contains("2 shard(s) missing from the folder: model-00003-of-00010.safetensors, model-00007-of-00010.safetensors", e.Message);
    }

    [Fact]
    public void Open_IndexMapsTensorToWrongShard_NamesTensorAndBothShards()
    {
        using var tmp = CopyOfLlama();
        EditIndex(tmp, map => map["model.norm.weight"] = "model-00001-of-00010.safetensors");
        var e = Assert.Throws<BardException>(() => CheckpointTensors.Open(tmp.Path));
        Assert.Contains("1 tensor(s) mapped to a shard that does not hold them: model.norm.weight (→ model-00001-of-00010.safetensors)", e.Message);
        Assert.Contains("1 shard tensor(s) not mapped to that shard by the index: model.norm.weight (in model-00010-of-00010.safetensors)", e.Message);
    }

    [Fact]
    public void Open_IndexLacksATensorItsShardHolds_Throws()
    {
        using var tmp = CopyOfLlama();
        EditIndex(tmp, map => map.Remove("model.norm.weight"));
        var e = Assert.Throws<BardException>(() => CheckpointTensors.Open(tmp.Path));
        Assert.Contains("not mapped to that shard by the index: model.norm.weight (in model-00010-of-00010.safetensors)", e.Message);
    }

    [Theory]
    [InlineData("{\"weight_map\": ", "is not valid JSON")]
    [InlineData("{\"metadata\": {}}", "has no \"weight_map\" object")]
    [InlineData("{\"weight_map\": {\"w\": \"../model.safetensors\"}}", "weight_map entry 'w' is \"../model.safetensors\", not a file name in the same folder")]
    [InlineData("{\"weight_map\": {\"w\": 3}}", "weight_map entry 'w' is 3, not a file name")]
    public void Open_MalformedIndex_Throws(string index, string fragment)
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("model.safetensors.index.json"), index);
        var e = Assert.Throws<BardException>(() => CheckpointTensors.Open(tmp.Path));
        Assert.Contains(tmp.File("model.safetensors.index.json"), e.Message);
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void Open_FolderWithoutWeights_SaysWhatIsThere()
    {
        using var tmp = new TempDir();
        Assert.Contains("no .safetensors files", Assert.Throws<BardException>(() => CheckpointTensors.Open(tmp.Path)).Message);
        File.Copy(Fixture("tiny-qwen3/reference.safetensors"), tmp.File("weights.safetensors"));
        var e = Assert.Throws<BardException>(() => CheckpointTensors.Open(tmp.Path));
        Assert.Contains("has neither model.safetensors nor model.safetensors.index.json (only weights.safetensors)", e.Message);
        Assert.Contains("does not exist", Assert.Throws<BardException>(() => CheckpointTensors.Open(tmp.File("absent"))).Message);
    }

    [Fact]
    public void Load_UnknownName_NamesCheckpoint()
    {
        using var checkpoint = CheckpointTensors.Open(Fixtures.Hf("tiny-llama"));
        var e = Assert.Throws<BardException>(() => checkpoint.Load("model.nope", torch.ScalarType.Float32));
        Assert.Contains("has no tensor 'model.nope'", e.Message);
        Assert.False(checkpoint.Contains("model.nope"));
    }

    private static TempDir CopyOfLlama()
    {
        var tmp = new TempDir();
        foreach (var file in Directory.EnumerateFiles(Fixtures.Hf("tiny-llama"), "model*"))
        {
            File.Copy(file, tmp.File(Path.GetFileName(file)));
        }
        return tmp;
    }

    private static void EditIndex(TempDir tmp, Action<JsonObject> edit)
    {
        var path = tmp.File("model.safetensors.index.json");
        var index = JsonNode.Parse(File.ReadAllText(path))!;
        edit(index["weight_map"]!.AsObject());
        File.WriteAllText(path, index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
