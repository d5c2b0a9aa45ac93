using System.Text.Json.Nodes;
using Bard.Model;
using TorchSharp;

namespace Bard.Tests.Model;

public class ModelConfigTests
{
    [Theory]
    [InlineData("tiny-qwen3")]
    [InlineData("tiny-qwen2")]
    [InlineData("tiny-llama")]
    public void Load_HubAndV5Styles_GiveTheSameConfigApartFromDType(string name)
    {
        var hub = ModelConfig.Load(Path.Combine(Fixtures.Hf(name), "config.json"));
        var v5 = ModelConfig.Load(Path.Combine(Fixtures.Hf(name), "config.hf5.json"));
        Assert.Equal(hub with { StoredDType = v5.StoredDType, EosTokenIds = v5.EosTokenIds }, v5);
        Assert.Equal(hub.EosTokenIds, v5.EosTokenIds);
    }

    [Fact]
    public void Load_Fixtures_ReadFamilySpecificFields()
    {
        var qwen3 = ModelConfig.Load(Path.Combine(Fixtures.Hf("tiny-qwen3"), "config.hf5.json"));
        Assert.Equal((ModelFamily.Qwen3, true, true, false, 32, 2), (qwen3.Family, qwen3.TieWordEmbeddings, qwen3.QkNorm, qwen3.QkvBias, qwen3.HeadDim, qwen3.NumKvHeads));
        Assert.Equal(torch.ScalarType.BFloat16, qwen3.StoredDType);
        var qwen2 = ModelConfig.Load(Path.Combine(Fixtures.Hf("tiny-qwen2"), "config.json"));
        Assert.Equal((ModelFamily.Qwen2, true, false, 32), (qwen2.Family, qwen2.QkvBias, qwen2.OutputBias, qwen2.HeadDim));
        var llama = ModelConfig.Load(Path.Combine(Fixtures.Hf("tiny-llama"), "config.json"));
        Assert.Equal(RopeType.Llama3, llama.Rope.Type);
        Assert.Equal((500000.0, 8.0, 1.0, 4.0, 64), (llama.Rope.Theta, llama.Rope.Factor, llama.Rope.LowFreqFactor, llama.Rope.HighFreqFactor, llama.Rope.OriginalMaxPositionEmbeddings));
    }

    static JsonObject Base() => new()
    {
        ["model_type"] = "qwen3", ["vocab_size"] = 64, ["hidden_size"] = 32, ["intermediate_size"] = 64,
        ["num_hidden_layers"] = 1, ["num_attention_heads"] = 4, ["num_key_value_heads"] = 2,
    };

    [Theory]
    [InlineData("model_type", "\"mistral\"", "model_type 'mistral'")]
    [InlineData("rope_scaling", "{\"rope_type\":\"yarn\",\"factor\":4.0}", "rope type 'yarn'")]
    [InlineData("rope_parameters", "{\"rope_type\":\"dynamic\",\"rope_theta\":10000.0}", "rope type 'dynamic'")]
    [InlineData("use_sliding_window", "true", "use_sliding_window")]
    [InlineData("layer_types", "[\"sliding_attention\"]", "layer_types")]
    [InlineData("hidden_act", "\"gelu\"", "hidden_act 'gelu'")]
    [InlineData("num_key_value_heads", "3", "num_key_value_heads (3)")]
    [InlineData("vocab_size", "\"many\"", "'vocab_size' must be an integer")]
    [InlineData("torch_dtype", "\"float8_e4m3fn\"", "dtype 'float8_e4m3fn'")]
    // Values that used to load and crash later (the reliability probe): refused up front, naming the field and the fix.
    [InlineData("max_position_embeddings", "0", "max_position_embeddings must be positive")]
    [InlineData("eos_token_id", "64", "eos_token_id 64 is outside the vocabulary (0..63)")]
    [InlineData("eos_token_id", "[2, -1]", "eos_token_id -1 is outside the vocabulary")]
    [InlineData("pad_token_id", "-1", "pad_token_id -1 is outside the vocabulary")]
    [InlineData("pad_token_id", "100", "pad_token_id 100 is outside the vocabulary")]
    [InlineData("rope_scaling", "\"linear\"", "rope_scaling must be an object")]
    public void FromJson_Unsupported_RefusedNamingTheKey(string key, string value, string expected)
    {
        var json = Base();
        json[key] = JsonNode.Parse(value);
        var e = Assert.Throws<BardException>(() => ModelConfig.FromJson(json, "cfg.json"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("cfg.json", e.Message);
    }

    [Fact]
    public void FromJson_MissingRequiredField_NamesIt()
    {
        var json = Base();
        json.Remove("hidden_size");
        var e = Assert.Throws<BardException>(() => ModelConfig.FromJson(json, "cfg.json"));
        Assert.Contains("'hidden_size'", e.Message);
    }

    [Theory]
    [InlineData("tiny-qwen3")]
    [InlineData("tiny-qwen2")]
    [InlineData("tiny-llama")]
    public void ToJson_ThenFromJson_RoundTrips(string name)
    {
        var config = ModelConfig.Load(Path.Combine(Fixtures.Hf(name), "config.json"));
        var again = ModelConfig.FromJson(config.ToJson(config.StoredDType), "round trip");
        Assert.Equal(config with { EosTokenIds = again.EosTokenIds }, again);
        Assert.Equal(config.EosTokenIds, again.EosTokenIds);
    }

    [Fact]
    public void ParameterCount_TinyQwen3_MatchesTheModel()
    {
        var config = ModelConfig.Load(Path.Combine(Fixtures.Hf("tiny-qwen3"), "config.json"));
        using var model = new CausalLM(config);
        Assert.Equal(model.parameters().Sum(p => p.numel()), config.ParameterCount);
    }
}
