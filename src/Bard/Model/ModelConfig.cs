using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;

namespace Bard.Model;

/// <summary>
/// The shape of a decoder-only causal LM (Llama, Qwen2, Qwen3), read from and written to a Hugging Face
/// <c>config.json</c>. Immutable; <see cref="Validate"/> runs once when it is built from JSON.
/// </summary>
public sealed record ModelConfig
{
    public required ModelFamily Family { get; init; }
    public required int VocabSize { get; init; }
    /// <summary>Model width d (<c>hidden_size</c>).</summary>
    public required int HiddenSize { get; init; }
    /// <summary>SwiGLU inner width (<c>intermediate_size</c>).</summary>
    public required int IntermediateSize { get; init; }
    public required int NumLayers { get; init; }
    public required int NumHeads { get; init; }
    /// <summary>Key/value heads for grouped-query attention; equal to <see cref="NumHeads"/> for plain multi-head attention.</summary>
    public required int NumKvHeads { get; init; }
    /// <summary>Per-head width; <c>hidden_size / num_attention_heads</c> unless config.json says otherwise.</summary>
    public required int HeadDim { get; init; }
    public double RmsNormEps { get; init; } = 1e-6;
    public int MaxPositionEmbeddings { get; init; } = 2048;
    public RopeScaling Rope { get; init; } = new();
    /// <summary>The output projection shares the input embedding matrix (one tensor, not a copy).</summary>
    public bool TieWordEmbeddings { get; init; }
    /// <summary>Bias on q, k, v (and o, except for Qwen2, whose o_proj never has one).</summary>
    public bool AttentionBias { get; init; }
    /// <summary>Bias on the SwiGLU projections (Llama's <c>mlp_bias</c>).</summary>
    public bool MlpBias { get; init; }
    public int? BosTokenId { get; init; }
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];
    public int? PadTokenId { get; init; }
    /// <summary>The dtype the weights were stored in (<c>torch_dtype</c> / <c>dtype</c>), float32 when not stated.</summary>
    public torch.ScalarType StoredDType { get; init; } = torch.ScalarType.Float32;

    /// <summary>Whether q and k get a per-head RMSNorm (Qwen3).</summary>
    public bool QkNorm => Family == ModelFamily.Qwen3;

    /// <summary>Bias on q/k/v projections.</summary>
    public bool QkvBias => Family == ModelFamily.Qwen2 || AttentionBias;

    /// <summary>Bias on the output projection.</summary>
    public bool OutputBias => Family != ModelFamily.Qwen2 && AttentionBias;

    /// <summary>Number of parameters, tied embeddings counted once.</summary>
    public long ParameterCount
    {
        get
        {
            long d = HiddenSize, q = (long)NumHeads * HeadDim, kv = (long)NumKvHeads * HeadDim;
            long attn = d * q + 2 * d * kv + q * d + (QkvBias ? q + 2 * kv : 0) + (OutputBias ? d : 0) + (QkNorm ? 2L * HeadDim : 0);
            long mlp = 3 * d * IntermediateSize + (MlpBias ? 2L * IntermediateSize + d : 0);
            long layer = attn + mlp + 2 * d;
            long embed = (long)VocabSize * d;
            return embed + (TieWordEmbeddings ? 0 : embed) + NumLayers * layer + d;
        }
    }

    /// <summary>Throws a <see cref="BardException"/> naming the first inconsistent field.</summary>
    public void Validate(string source = "model config")
    {
        void Require(bool ok, string message) { if (!ok) throw new BardException($"{source}: {message}"); }
        Require(VocabSize > 0, $"vocab_size must be positive, got {VocabSize}.");
        Require(HiddenSize > 0, $"hidden_size must be positive, got {HiddenSize}.");
        Require(IntermediateSize > 0, $"intermediate_size must be positive, got {IntermediateSize}.");
        Require(NumLayers > 0, $"num_hidden_layers must be positive, got {NumLayers}.");
        Require(NumHeads > 0 && NumKvHeads > 0, $"num_attention_heads ({NumHeads}) and num_key_value_heads ({NumKvHeads}) must be positive.");
        Require(NumHeads % NumKvHeads == 0, $"num_attention_heads ({NumHeads}) must be a multiple of num_key_value_heads ({NumKvHeads}).");
        Require(HeadDim > 0 && HeadDim % 2 == 0, $"head_dim must be a positive even number, got {HeadDim}.");
        Require(RmsNormEps > 0, $"rms_norm_eps must be positive, got {RmsNormEps}.");
        Require(Rope.Theta > 0, $"rope_theta must be positive, got {Rope.Theta}.");
        Require(MaxPositionEmbeddings > 0, $"max_position_embeddings must be positive, got {MaxPositionEmbeddings}.");
        foreach (int eos in EosTokenIds)
            Require(eos >= 0 && eos < VocabSize, $"eos_token_id {eos} is outside the vocabulary (0..{VocabSize - 1}); fix it to the tokenizer's end token.");
        Require(PadTokenId is not { } pad || (pad >= 0 && pad < VocabSize),
            $"pad_token_id {PadTokenId} is outside the vocabulary (0..{VocabSize - 1}); set it to a token of the vocabulary (often the end token) or remove it.");
        if (Rope.Type == RopeType.Llama3)
            Require(Rope.Factor > 0 && Rope.HighFreqFactor > Rope.LowFreqFactor && Rope.OriginalMaxPositionEmbeddings > 0,
                "llama3 rope scaling needs factor > 0, high_freq_factor > low_freq_factor and original_max_position_embeddings > 0.");
    }

    /// <summary>Reads a Hugging Face config.json (hub style or transformers v5 style).</summary>
    public static ModelConfig Load(string path)
    {
        if (!File.Exists(path)) throw new BardException($"{path}: no such file. A Hugging Face checkpoint folder needs a config.json.");
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new BardException($"{path}: expected a JSON object.");
        }
        catch (JsonException e)
        {
            throw new BardException($"{path}: not valid JSON ({e.Message}).", e);
        }
        return FromJson(json, path);
    }

    /// <summary>Builds a config from parsed config.json; <paramref name="source"/> names the file in errors.</summary>
    public static ModelConfig FromJson(JsonObject json, string source)
    {
        var r = new JsonFields(json, source);
        string modelType = r.String("model_type") ?? throw new BardException($"{source}: missing 'model_type'. Bard loads llama, qwen2 and qwen3.");
        var family = modelType switch
        {
            "llama" => ModelFamily.Llama,
            "qwen2" => ModelFamily.Qwen2,
            "qwen3" => ModelFamily.Qwen3,
            _ => throw new BardException($"{source}: model_type '{modelType}' is not supported; Bard loads llama, qwen2 and qwen3."),
        };
        string act = r.String("hidden_act") ?? "silu";
        if (act != "silu") throw new BardException($"{source}: hidden_act '{act}' is not supported; only 'silu' (SwiGLU) is.");
        if (r.Bool("use_sliding_window") == true)
            throw new BardException($"{source}: use_sliding_window is true; sliding-window attention is not supported. Set it to false if the model was trained without it.");
        if (json["layer_types"] is JsonArray layerTypes)
            foreach (var lt in layerTypes)
                if (lt?.GetValue<string>() is { } s && s != "full_attention")
                    throw new BardException($"{source}: layer_types contains '{s}'; only 'full_attention' is supported.");
        if (r.Int("pretraining_tp") is > 1)
            throw new BardException($"{source}: pretraining_tp > 1 is not supported.");

        int hidden = r.RequiredInt("hidden_size");
        int heads = r.RequiredInt("num_attention_heads");
        var config = new ModelConfig
        {
            Family = family,
            VocabSize = r.RequiredInt("vocab_size"),
            HiddenSize = hidden,
            IntermediateSize = r.RequiredInt("intermediate_size"),
            NumLayers = r.RequiredInt("num_hidden_layers"),
            NumHeads = heads,
            NumKvHeads = r.Int("num_key_value_heads") ?? heads,
            HeadDim = r.Int("head_dim") ?? hidden / heads,
            RmsNormEps = r.Double("rms_norm_eps") ?? 1e-6,
            MaxPositionEmbeddings = r.Int("max_position_embeddings") ?? 2048,
            Rope = ReadRope(json, r, source),
            TieWordEmbeddings = r.Bool("tie_word_embeddings") ?? false,
            AttentionBias = family != ModelFamily.Qwen2 && (r.Bool("attention_bias") ?? false),
            MlpBias = family == ModelFamily.Llama && (r.Bool("mlp_bias") ?? false),
            BosTokenId = r.Int("bos_token_id"),
            EosTokenIds = r.IntOrIntList("eos_token_id"),
            PadTokenId = r.Int("pad_token_id"),
            StoredDType = ParseDType(r.String("dtype") ?? r.String("torch_dtype"), source),
        };
        config.Validate(source);
        return config;
    }

    static RopeScaling ReadRope(JsonObject json, JsonFields r, string source)
    {
        // transformers v5 puts everything in rope_parameters; hub (v4) style has rope_theta + rope_scaling.
        foreach (var key in new[] { "rope_parameters", "rope_scaling" })
            if (json[key] is { } node && node is not JsonObject)
                throw new BardException($"{source}: {key} must be an object (e.g. {{\"rope_type\": \"llama3\", \"factor\": 8.0, ...}}) or null, got {node.GetValueKind().ToString().ToLowerInvariant()} {node.ToJsonString()}.");
        JsonObject? p = json["rope_parameters"] as JsonObject ?? json["rope_scaling"] as JsonObject;
        double theta = (p is not null ? new JsonFields(p, source).Double("rope_theta") : null) ?? r.Double("rope_theta") ?? 10000.0;
        if (p is null) return new RopeScaling { Theta = theta };
        var pr = new JsonFields(p, source);
        string type = pr.String("rope_type") ?? pr.String("type") ?? "default";
        return type switch
        {
            "default" => new RopeScaling { Theta = theta },
            "llama3" => new RopeScaling
            {
                Type = RopeType.Llama3,
                Theta = theta,
                Factor = pr.Double("factor") ?? throw new BardException($"{source}: llama3 rope scaling needs 'factor'."),
                LowFreqFactor = pr.Double("low_freq_factor") ?? 1.0,
                HighFreqFactor = pr.Double("high_freq_factor") ?? 4.0,
                OriginalMaxPositionEmbeddings = pr.Int("original_max_position_embeddings") ?? 8192,
            },
            _ => throw new BardException($"{source}: rope type '{type}' (rope_scaling / rope_parameters) is not supported; Bard supports 'default' and 'llama3'."),
        };
    }

    static torch.ScalarType ParseDType(string? name, string source) => name switch
    {
        null or "float32" or "float" => torch.ScalarType.Float32,
        "bfloat16" => torch.ScalarType.BFloat16,
        "float16" or "half" => torch.ScalarType.Float16,
        _ => throw new BardException($"{source}: dtype '{name}' is not supported; use float32, bfloat16 or float16."),
    };

    static string DTypeName(torch.ScalarType t) => t switch
    {
        torch.ScalarType.BFloat16 => "bfloat16",
        torch.ScalarType.Float16 => "float16",
        _ => "float32",
    };

    /// <summary>Writes config.json in the hub style (rope_theta + rope_scaling) that transformers v4 and v5 both read.</summary>
    public JsonObject ToJson(torch.ScalarType storedDType)
    {
        string modelType = Family switch { ModelFamily.Llama => "llama", ModelFamily.Qwen2 => "qwen2", _ => "qwen3" };
        string arch = Family switch { ModelFamily.Llama => "LlamaForCausalLM", ModelFamily.Qwen2 => "Qwen2ForCausalLM", _ => "Qwen3ForCausalLM" };
        var o = new JsonObject
        {
            ["architectures"] = new JsonArray(arch),
            ["model_type"] = modelType,
            ["vocab_size"] = VocabSize,
            ["hidden_size"] = HiddenSize,
            ["intermediate_size"] = IntermediateSize,
            ["num_hidden_layers"] = NumLayers,
            ["num_attention_heads"] = NumHeads,
            ["num_key_value_heads"] = NumKvHeads,
            ["head_dim"] = HeadDim,
            ["hidden_act"] = "silu",
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["rms_norm_eps"] = RmsNormEps,
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["rope_theta"] = Rope.Theta,
            ["rope_scaling"] = Rope.Type == RopeType.Default ? null : new JsonObject
            {
                ["rope_type"] = "llama3",
                ["factor"] = Rope.Factor,
                ["low_freq_factor"] = Rope.LowFreqFactor,
                ["high_freq_factor"] = Rope.HighFreqFactor,
                ["original_max_position_embeddings"] = Rope.OriginalMaxPositionEmbeddings,
            },
            ["torch_dtype"] = DTypeName(storedDType),
            ["use_cache"] = true,
        };
        if (Family != ModelFamily.Qwen2) o["attention_bias"] = AttentionBias;
        if (Family == ModelFamily.Llama) o["mlp_bias"] = MlpBias;
        if (Family != ModelFamily.Llama) o["use_sliding_window"] = false;
        if (BosTokenId is { } bos) o["bos_token_id"] = bos;
        if (EosTokenIds.Count == 1) o["eos_token_id"] = EosTokenIds[0];
        else if (EosTokenIds.Count > 1) o["eos_token_id"] = new JsonArray(EosTokenIds.Select(e => (JsonNode)e).ToArray());
        if (PadTokenId is { } pad) o["pad_token_id"] = pad;
        return o;
    }

    /// <summary>Typed reads of optional config.json fields that name the field when its type is wrong.</summary>
    sealed class JsonFields(JsonObject json, string source)
    {
        JsonValue? Value(string key) => json[key] switch
        {
            null => null,
            JsonValue v => v,
            _ => throw new BardException($"{source}: field '{key}' must be a single value."),
        };

        public string? String(string key) => Value(key) is { } v ? (v.TryGetValue<string>(out var s) ? s : throw Wrong(key, "a string")) : null;

        public bool? Bool(string key) => Value(key) is { } v ? (v.TryGetValue<bool>(out var b) ? b : throw Wrong(key, "true or false")) : null;

        public double? Double(string key) => Value(key) is { } v ? (v.TryGetValue<double>(out var d) ? d : throw Wrong(key, "a number")) : null;

        public int? Int(string key)
        {
            if (Value(key) is not { } v) return null;
            if (v.TryGetValue<int>(out var i)) return i;
            if (v.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue) return (int)d;
            throw Wrong(key, "an integer");
        }

        public int RequiredInt(string key) => Int(key) ?? throw new BardException($"{source}: missing required field '{key}'.");

        public IReadOnlyList<int> IntOrIntList(string key) => json[key] switch
        {
            null => [],
            JsonArray a => a.Select((n, i) => n is JsonValue v && v.TryGetValue<int>(out var x) ? x : throw Wrong($"{key}[{i}]", "an integer")).ToArray(),
            _ => Int(key) is { } one ? [one] : [],
        };

        BardException Wrong(string key, string what) =>
            new($"{source}: field '{key}' must be {what}, got {json[key]?.ToJsonString() ?? "null"}.");
    }
}
