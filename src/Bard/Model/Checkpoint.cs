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
        var config = ModelConfig.Load(Path.Combine(dir, "config.json"));
        var model = new CausalLM(config);
        try
        {
            model.to(dtype);
            if (device is not null) model.to(device);
            using var tensors = CheckpointTensors.Open(dir);
            // A tied checkpoint may still carry a copy of the embedding as lm_head; older saves carry rope buffers.
            var ignore = new HashSet<string>(tensors.Names.Where(n => n.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal)));
            if (config.TieWordEmbeddings) ignore.Add("lm_head.weight");
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
        if (tokenizerDir is not null && Path.GetFullPath(tokenizerDir) != Path.GetFullPath(dir))
            foreach (var name in CompanionFiles)
            {
                var src = Path.Combine(tokenizerDir, name);
                if (File.Exists(src)) File.Copy(src, Path.Combine(dir, name), overwrite: true);
            }
    }
}
