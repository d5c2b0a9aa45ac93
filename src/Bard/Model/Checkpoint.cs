using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Model;

/// <summary>
/// Hugging Face checkpoint folders: config.json + safetensors (single file or sharded with an index)
/// + the tokenizer files when there are any. Loading is strict: every weight the model has must be in
/// the checkpoint with its shape, and nothing else may be (except a tied lm_head copy).
/// </summary>
public static class Checkpoint
{
    /// <summary>Tokenizer and generation files copied along with the weights when a checkpoint is saved.</summary>
    public static readonly IReadOnlyList<string> CompanionFiles =
    [
        "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt",
        "added_tokens.json", "chat_template.jinja", "generation_config.json",
    ];

    /// <summary>
    /// Loads the model in <paramref name="dir"/> in <paramref name="dtype"/> (default: float32, the
    /// dtype the fixtures and tests use; pass <see cref="ModelConfig.StoredDType"/> to keep the stored one).
    /// </summary>
    public static CausalLM Load(string dir, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        if (!Directory.Exists(dir)) throw new BardException($"{dir}: no such folder. Pass a Hugging Face checkpoint folder (config.json + *.safetensors).");
        string configPath = Path.Combine(dir, "config.json");
        var config = ModelConfig.Load(configPath);
        using var tensors = CheckpointTensors.Open(dir);
        // A tied checkpoint may still carry a copy of the embedding as lm_head; older saves carry rope buffers.
        var ignore = new HashSet<string>(tensors.Names.Where(n => n.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal)));
        if (config.TieWordEmbeddings) ignore.Add("lm_head.weight");
        // Before anything is allocated: a config.json far larger than its weights would otherwise end in an allocation
        // failure (or an out-of-memory kill) rather than a message.
        RefuseConfigLargerThanWeights(config, tensors, ignore, configPath);
        var model = new CausalLM(config);
        try
        {
            model.to(dtype);
            if (device is not null) model.to(device);
            StrictLoader.Load(model.state_dict(), tensors, ignore);
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Throws when <paramref name="config"/> describes more than twice the values the checkpoint's headers hold, naming
    /// the tensors whose shapes the config gets wrong. Smaller differences are left to <see cref="StrictLoader"/>, which
    /// lists every missing, unexpected and mis-shaped tensor (a model at most twice its weights is affordable to build).
    /// </summary>
    static void RefuseConfigLargerThanWeights(ModelConfig config, CheckpointTensors tensors, IReadOnlySet<string> ignore, string configPath)
    {
        long stored = tensors.Names.Where(n => !ignore.Contains(n)).Sum(n => tensors.Info(n).ElementCount);
        long wanted = config.ParameterCount;
        if (wanted <= 2 * stored) return;
        long d = config.HiddenSize, kv = (long)config.NumKvHeads * config.HeadDim;
        var expected = new (string Name, long[] Shape, string Fields)[]
        {
            ("model.embed_tokens.weight", [config.VocabSize, d], "vocab_size, hidden_size"),
            ("model.layers.0.self_attn.q_proj.weight", [(long)config.NumHeads * config.HeadDim, d], "num_attention_heads × head_dim, hidden_size"),
            ("model.layers.0.self_attn.k_proj.weight", [kv, d], "num_key_value_heads × head_dim, hidden_size"),
            ("model.layers.0.mlp.gate_proj.weight", [config.IntermediateSize, d], "intermediate_size, hidden_size"),
        };
        var wrong = expected.Where(e => tensors.Contains(e.Name) && !tensors.Info(e.Name).Shape.AsSpan().SequenceEqual(e.Shape))
            .Select(e => $"{e.Name} is {tensors.Info(e.Name).ShapeText} in {Path.GetFileName(tensors.PathOf(e.Name))}, config.json says {SafeTensorInfo.FormatShape(e.Shape)} ({e.Fields})")
            .ToList();
        int layers = tensors.Names.Select(LayerIndex).Where(i => i >= 0).DefaultIfEmpty(-1).Max() + 1;
        if (layers != config.NumLayers) wrong.Add($"the weights have {layers} layers (model.layers.0 … {layers - 1}), config.json says num_hidden_layers {config.NumLayers}");
        string detail = wrong.Count > 0 ? ": " + string.Join("; ", wrong) : "";
        throw new BardException($"{configPath} describes a model of {wanted:N0} parameters, but the weights in {tensors.Directory} hold {stored:N0} values{detail}. "
            + "Nothing was allocated. Fix: use the config.json saved with these weights (or the weights this config.json belongs to).");
    }

    /// <summary>i for a tensor named <c>model.layers.i.…</c>; −1 otherwise.</summary>
    static int LayerIndex(string name)
    {
        const string prefix = "model.layers.";
        if (!name.StartsWith(prefix, StringComparison.Ordinal)) return -1;
        int end = name.IndexOf('.', prefix.Length);
        return end > prefix.Length && int.TryParse(name.AsSpan(prefix.Length, end - prefix.Length), out int i) ? i : -1;
    }

    /// <summary>
    /// Saves <paramref name="model"/> to <paramref name="dir"/> as a checkpoint transformers loads:
    /// config.json, model.safetensors (sharded above 5 GB) in <paramref name="dtype"/> (default the model's),
    /// and the tokenizer files found in <paramref name="tokenizerDir"/>, if given.
    /// </summary>
    public static void Save(CausalLM model, string dir, ScalarType? dtype = null, string? tokenizerDir = null)
    {
        Directory.CreateDirectory(dir);
        var storeAs = dtype ?? model.DType;
        using (var scope = NewDisposeScope())
        {
            // state_dict has each tensor once: with tied embeddings there is no lm_head entry at all.
            var tensors = model.state_dict()
                .Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value.dtype == storeAs ? kv.Value : kv.Value.to(storeAs)))
                .ToList();
            SafeTensorsWriter.WriteCheckpoint(dir, tensors);
        }
        var json = model.Config.ToJson(storeAs);
        File.WriteAllText(Path.Combine(dir, "config.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        if (tokenizerDir is not null) CopyCompanionFiles(tokenizerDir, dir);
    }

    /// <summary>Copies the <see cref="CompanionFiles"/> found in <paramref name="tokenizerDir"/> into <paramref name="dir"/>.</summary>
    public static void CopyCompanionFiles(string tokenizerDir, string dir)
    {
        if (Path.GetFullPath(tokenizerDir) == Path.GetFullPath(dir)) return;
        foreach (var name in CompanionFiles)
        {
            var src = Path.Combine(tokenizerDir, name);
            if (File.Exists(src)) File.Copy(src, Path.Combine(dir, name), overwrite: true);
        }
    }
}
