using Bard.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Tests.Model;

public class CheckpointShardsTests
{
    // Tensor sizes in bytes (float32, so elements × 4) in state-dict order, the limit, and the expected shards.
    [Theory]
    [InlineData(new[] { 40, 40, 100, 24, 8 }, 64, "a|c|b,d|e")] // c > limit: its own shard at once, before b's
    [InlineData(new[] { 16, 16, 16, 16 }, 32, "a,b|c,d")]       // exactly at the limit still fits
    [InlineData(new[] { 16, 16, 16 }, 1000, "a,b,c")]           // everything fits: one shard
    [InlineData(new[] { 100, 100 }, 64, "a|b")]                 // every tensor too big
    public void Split_StateDictOrder_AsHuggingFaceHub(int[] sizes, long limit, string expected)
    {
        using var scope = NewDisposeScope();
        var tensors = sizes.Select((bytes, i) => new KeyValuePair<string, Tensor>(((char)('a' + i)).ToString(), zeros(bytes / 4))).ToList();
        var shards = CheckpointShards.Split(tensors, limit);
        Assert.Equal(expected, string.Join("|", shards.Select(s => string.Join(",", s.Select(kv => kv.Key)))));
    }

    [Fact]
    public void WriteCheckpoint_OverLimit_ShardsAndIndexAsTransformers()
    {
        using var tmp = new TempDir();
        using var scope = NewDisposeScope();
        var tensors = new List<KeyValuePair<string, Tensor>>
        {
            new("a", arange(10, ScalarType.Float32)),
            new("b", arange(10, ScalarType.Float32) * 2),
            new("c", arange(25, ScalarType.Float32).reshape(5, 5)),
            new("d", arange(6, ScalarType.Float32)),
            new("e", tensor(new long[] { 4 })),
        };
        SafeTensorsWriter.WriteCheckpoint(tmp.Path, tensors, maxShardBytes: 64);

        Assert.Equal(
            ["model-00001-of-00004.safetensors", "model-00002-of-00004.safetensors", "model-00003-of-00004.safetensors",
             "model-00004-of-00004.safetensors", "model.safetensors.index.json"],
            Directory.GetFiles(tmp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        // total_size = 40 + 40 + 100 + 24 + 8 bytes; total_parameters = 10 + 10 + 25 + 6 + 1 elements.
        Assert.Equal("""
            {
              "metadata": {
                "total_parameters": 52,
                "total_size": 212
              },
              "weight_map": {
                "a": "model-00001-of-00004.safetensors",
                "b": "model-00003-of-00004.safetensors",
                "c": "model-00002-of-00004.safetensors",
                "d": "model-00003-of-00004.safetensors",
                "e": "model-00004-of-00004.safetensors"
              }
            }

            """, File.ReadAllText(tmp.File("model.safetensors.index.json")));

        using var checkpoint = CheckpointTensors.Open(tmp.Path);
        Assert.True(checkpoint.IsSharded);
        Assert.Equal(["a", "b", "c", "d", "e"], checkpoint.Names);
        foreach (var (name, expected) in tensors)
        {
            var actual = checkpoint.Load(name);
            Assert.Equal(expected.shape, actual.shape);
            Assert.True(expected.bytes.SequenceEqual(actual.bytes), name);
        }
    }

    [Fact]
    public void WriteCheckpoint_ShardedThenSingle_RemovesStaleShardsAndIndex()
    {
        using var tmp = new TempDir();
        using var scope = NewDisposeScope();
        File.WriteAllText(tmp.File("config.json"), "{}");
        var tensors = new List<KeyValuePair<string, Tensor>> { new("a", ones(8)), new("b", zeros(8)) };
        SafeTensorsWriter.WriteCheckpoint(tmp.Path, tensors, maxShardBytes: 32);
        Assert.True(File.Exists(tmp.File("model-00002-of-00002.safetensors")));

        SafeTensorsWriter.WriteCheckpoint(tmp.Path, tensors);

        Assert.Equal(["config.json", "model.safetensors"], Directory.GetFiles(tmp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var checkpoint = CheckpointTensors.Open(tmp.Path);
        Assert.False(checkpoint.IsSharded);
        Assert.Equal(8f, checkpoint.Load("a").sum().item<float>());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void WriteCheckpoint_NonPositiveLimit_Throws(long limit)
    {
        using var tmp = new TempDir();
        using var t = zeros(1);
        var e = Assert.Throws<BardException>(() => SafeTensorsWriter.WriteCheckpoint(tmp.Path, [new("a", t)], limit));
        Assert.Contains($"maxShardBytes is {limit}", e.Message);
    }
}
