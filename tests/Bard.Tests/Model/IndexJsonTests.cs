using System.Text;
using System.Text.Json.Nodes;
using Bard.Model;

namespace Bard.Tests.Model;

public class IndexJsonTests
{
    [Fact]
    public void Serialize_LlamaFixtureIndex_ByteIdenticalToTransformers()
    {
        var path = Path.Combine(Fixtures.Hf("tiny-llama"), "model.safetensors.index.json");
        var index = JsonNode.Parse(File.ReadAllText(path))!;
        var weightMap = index["weight_map"]!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>());
        var bytes = IndexJson.Serialize(
            index["metadata"]!["total_parameters"]!.GetValue<long>(), index["metadata"]!["total_size"]!.GetValue<long>(), weightMap);
        Assert.Equal(File.ReadAllText(path), Encoding.UTF8.GetString(bytes));
    }

    // Python's json.dumps escapes (ensure_ascii): short escapes, \u00XX for control characters and everything past '~'.
    [Theory]
    [InlineData("plain.weight", "\"plain.weight\"")]
    [InlineData("q\"uote\\back", "\"q\\\"uote\\\\back\"")]
    [InlineData("tab\tnew\nline", "\"tab\\tnew\\nline\"")]
    [InlineData("bell\u0007del\u007f", "\"bell\\u0007del\\u007f\"")]
    [InlineData("é", "\"\\u00e9\"")]
    public void Serialize_Names_EscapedAsPython(string name, string expected)
    {
        var text = Encoding.UTF8.GetString(IndexJson.Serialize(1, 4, new Dictionary<string, string> { [name] = "s" }));
        Assert.Contains($"    {expected}: \"s\"\n", text);
        Assert.Equal(name, JsonNode.Parse(text)!["weight_map"]!.AsObject().Single().Key); // and it reads back
    }
}
