using System.Text.Json;
using System.Text.Json.Nodes;
using Bard.Model;

namespace Bard.Lora;

/// <summary>
/// PEFT's adapter folder, as <c>PeftModel.save_pretrained</c> writes it and <c>PeftModel.from_pretrained</c> reads it
/// (PEFT 0.17–0.21, read from its source: <c>utils/save_and_load.py</c>, <c>tuners/lora/config.py</c>):
/// <list type="bullet">
/// <item><c>adapter_config.json</c>: <c>peft_type: "LORA"</c>, <c>r</c>, <c>lora_alpha</c>, <c>lora_dropout</c>,
/// <c>target_modules</c> (a list of module names, all-linear expanded; or a regular expression), <c>use_rslora</c>,
/// <c>bias: "none"</c>, <c>task_type: "CAUSAL_LM"</c>, <c>base_model_name_or_path</c>, …</item>
/// <item><c>adapter_model.safetensors</c>: for each adapted layer at module path P,
/// <c>base_model.model.P.lora_A.weight</c> [r, in] and <c>base_model.model.P.lora_B.weight</c> [out, r]
/// (the adapter name <c>default</c> is removed from the keys on save), metadata <c>format: pt</c>.</item>
/// </list>
/// </summary>
public static class PeftFormat
{
    public const string ConfigFile = "adapter_config.json";
    public const string WeightsFile = "adapter_model.safetensors";

    /// <summary>The prefix PEFT's <c>PeftModelForCausalLM</c> puts before the base model's module paths.</summary>
    public const string KeyPrefix = "base_model.model.";

    public static string KeyA(string modulePath) => $"{KeyPrefix}{modulePath}.lora_A.weight";
    public static string KeyB(string modulePath) => $"{KeyPrefix}{modulePath}.lora_B.weight";

    /// <summary>Whether <paramref name="dir"/> holds an adapter (its adapter_config.json), not a full checkpoint.</summary>
    public static bool IsAdapterFolder(string dir) => File.Exists(Path.Combine(dir, ConfigFile));

    public static string WeightsPath(string dir)
    {
        string path = Path.Combine(dir, WeightsFile);
        if (File.Exists(path)) return path;
        if (File.Exists(Path.Combine(dir, "adapter_model.bin")))
            throw new BardException($"{dir}: the adapter weights are in adapter_model.bin (a pickle), which Bard does not read. "
                + "Fix: in Python, load it with PEFT and save_pretrained(dir, safe_serialization=True) to write adapter_model.safetensors.");
        throw new BardException($"{dir}: no {WeightsFile}. Pass a PEFT adapter folder (adapter_config.json + {WeightsFile}).");
    }

    /// <summary>Writes <paramref name="adapters"/> to <paramref name="dir"/>: adapter_config.json and adapter_model.safetensors.</summary>
    public static void Write(string dir, LoraAdapters adapters, string? baseModel)
    {
        Directory.CreateDirectory(dir);
        var c = adapters.Config;
        var json = new JsonObject
        {
            ["alpha_pattern"] = new JsonObject(),
            ["auto_mapping"] = null,
            ["base_model_name_or_path"] = baseModel,
            ["bias"] = "none",
            ["exclude_modules"] = null,
            ["fan_in_fan_out"] = false,
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
            ["layers_pattern"] = null,
            ["layers_to_transform"] = c.Layers is null ? null : new JsonArray(c.Layers.Select(l => (JsonNode)l).ToArray()),
            ["lora_alpha"] = Number(c.EffectiveAlpha),
            ["lora_bias"] = false,
            ["lora_dropout"] = c.Dropout,
            ["modules_to_save"] = null,
            ["peft_type"] = "LORA",
            ["r"] = c.R,
            ["rank_pattern"] = new JsonObject(),
            ["revision"] = null,
            // PEFT saves the set of matched names (all-linear expanded); a pattern stays a string.
            ["target_modules"] = c.TargetPattern is { } pattern ? pattern
                : new JsonArray((c.Targets.Contains(LoraConfig.AllLinear) ? adapters.TargetNames : c.Targets.Distinct().Order(StringComparer.Ordinal).ToList()).Select(n => (JsonNode)n!).ToArray()),
            ["task_type"] = "CAUSAL_LM",
            ["use_dora"] = false,
            ["use_rslora"] = c.UseRslora,
        };
        File.WriteAllText(Path.Combine(dir, ConfigFile), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        SafeTensorsWriter.Write(Path.Combine(dir, WeightsFile),
            adapters.NamedParameters().Select(p => new KeyValuePair<string, TorchSharp.torch.Tensor>(p.Name, p.Parameter)),
            SafeTensorsWriter.DefaultMetadata);
    }

    static JsonNode Number(double x) => x == Math.Floor(x) && Math.Abs(x) < int.MaxValue ? JsonValue.Create((int)x) : JsonValue.Create(x);

    /// <summary>
    /// Reads adapter_config.json into a <see cref="LoraConfig"/>. Missing keys take PEFT's defaults (r 8, lora_alpha 8,
    /// dropout 0, target_modules q_proj and v_proj for Llama and Qwen); options Bard does not apply are refused by name.
    /// </summary>
    public static LoraConfig ReadConfig(string dir)
    {
        string path = Path.Combine(dir, ConfigFile);
        if (!File.Exists(path))
            throw new BardException($"{dir}: no {ConfigFile}. Pass a PEFT adapter folder (adapter_config.json + {WeightsFile}), as bard sft/rl with LoRA or PEFT's save_pretrained write it.");
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new BardException($"{path}: not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new BardException($"{path}: not valid JSON ({e.Message}).", e);
        }
        T? Get<T>(string key, T? fallback = default)
        {
            if (!json.TryGetPropertyValue(key, out var node) || node is null) return fallback;
            try { return node.GetValue<T>(); }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                throw new BardException($"{path}: '{key}' is {node.ToJsonString()}, expected a {typeof(T).Name.ToLowerInvariant()}.", e);
            }
        }
        bool Empty(string key) => !json.TryGetPropertyValue(key, out var n) || n is null
            || n is JsonObject { Count: 0 } || n is JsonArray { Count: 0 } || (n is JsonValue v && v.TryGetValue<string>(out var s) && s.Length == 0);
        void Refuse(bool bad, string key, string why) { if (bad) throw new BardException($"{path}: {key} is {json[key]?.ToJsonString() ?? "null"}; {why}"); }

        string peftType = Get<string>("peft_type") ?? "";
        Refuse(peftType != "LORA", "peft_type", "Bard loads LoRA adapters only (peft_type \"LORA\").");
        string? task = Get<string>("task_type");
        Refuse(task is not null && task != "CAUSAL_LM", "task_type", "Bard's students are causal language models (CAUSAL_LM).");
        Refuse((Get<string>("bias") ?? "none") != "none", "bias", "Bard's adapters train no biases (bias \"none\").");
        Refuse(Get<bool>("use_dora"), "use_dora", "DoRA adapters are not supported; merge it in Python (merge_and_unload) and pass the merged model as --model.");
        Refuse(Get<bool>("fan_in_fan_out"), "fan_in_fan_out", "that layout is for GPT-2's Conv1D layers, which these models do not have.");
        Refuse(Get<bool>("lora_bias"), "lora_bias", "adapters with a bias on lora_B are not supported.");
        foreach (var key in new[] { "modules_to_save", "rank_pattern", "alpha_pattern", "exclude_modules", "target_parameters", "trainable_token_indices", "layer_replication" })
            Refuse(!Empty(key), key, "Bard applies plain LoRA on linear layers only; merge the adapter in Python (merge_and_unload) and pass the merged model as --model.");
        if (json["layers_pattern"] is JsonNode lp && !Empty("layers_pattern"))
            Refuse(!(lp is JsonValue && lp.GetValue<string>() == "layers") && !(lp is JsonArray { Count: 1 } la && la[0]?.GetValue<string>() == "layers"),
                "layers_pattern", "these models number their decoder layers under 'layers'.");

        IReadOnlyList<int>? layers;
        IReadOnlyList<string> targets;
        string? pattern = null;
        try
        {
            layers = json["layers_to_transform"] switch
            {
                null => null,
                JsonArray { Count: 0 } => null, // PEFT: an empty list means every layer
                JsonArray a => a.Select(n => n!.GetValue<int>()).ToList(),
                JsonValue v => [v.GetValue<int>()],
                var other => throw new BardException($"{path}: layers_to_transform is {other.ToJsonString()}, expected a layer index or a list of them."),
            };
            switch (json["target_modules"])
            {
                case null: targets = ["q_proj", "v_proj"]; break; // PEFT's default for Llama and Qwen
                case JsonArray a: targets = a.Select(n => n!.GetValue<string>()).ToList(); break;
                case JsonValue v when v.GetValue<string>() == LoraConfig.AllLinear: targets = [LoraConfig.AllLinear]; break;
                case JsonValue v: targets = []; pattern = v.GetValue<string>(); break;
                case var other: throw new BardException($"{path}: target_modules is {other.ToJsonString()}, expected a list of module names or a regular expression.");
            }
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new BardException($"{path}: layers_to_transform must be layer indices and target_modules module names or a regular expression ({e.Message}).", e);
        }
        foreach (var t in targets)
            Refuse(t is "lm_head" or "embed_tokens", "target_modules", $"it names '{t}', which Bard does not adapt (decoder linear layers only).");
        var config = new LoraConfig
        {
            R = Get<int>("r", 8),
            Alpha = json["lora_alpha"] is null ? 8 : Get<double>("lora_alpha"),
            Dropout = Get<double>("lora_dropout"),
            Targets = targets,
            TargetPattern = pattern,
            Layers = layers,
            UseRslora = Get<bool>("use_rslora"),
        };
        try { return config.Validate(); }
        catch (BardException e) { throw new BardException($"{path}: {e.Message}", e); }
    }
}
