using System.Text.Json;

namespace Bard.Text;

/// <summary>
/// What Bard reads from a Hugging Face <c>tokenizer_config.json</c>: the chat template and the named special
/// tokens. Immutable; the ids of the tokens come from the tokenizer (<see cref="ITokenizer.TokenToId"/>).
/// </summary>
public sealed record TokenizerConfig
{
    /// <summary>The Jinja chat template (<c>chat_template</c>, or <c>chat_template.jinja</c> beside the file), or null when the checkpoint has none.</summary>
    public string? ChatTemplate { get; init; }
    /// <summary>End-of-sequence token text (Qwen3: &lt;|im_end|&gt;), or null.</summary>
    public string? EosToken { get; init; }
    /// <summary>Padding token text (Qwen3: &lt;|endoftext|&gt;), or null.</summary>
    public string? PadToken { get; init; }
    /// <summary>Beginning-of-sequence token text (Llama-3: &lt;|begin_of_text|&gt;; Qwen3: null).</summary>
    public string? BosToken { get; init; }
    /// <summary>Unknown-token text, or null.</summary>
    public string? UnkToken { get; init; }
    /// <summary>The longest sequence the model was trained for (<c>model_max_length</c>), or null.</summary>
    public long? ModelMaxLength { get; init; }

    /// <summary>Reads <c>tokenizer_config.json</c> in <paramref name="directory"/>.</summary>
    public static TokenizerConfig Load(string directory)
    {
        string file = Path.Combine(directory, "tokenizer_config.json");
        if (!File.Exists(file)) throw new BardException($"{file}: not found. A Hugging Face checkpoint keeps its chat template and special tokens there.");
        var config = Parse(File.ReadAllText(file), file);
        string jinja = Path.Combine(directory, "chat_template.jinja");
        if (config.ChatTemplate is null && File.Exists(jinja)) config = config with { ChatTemplate = File.ReadAllText(jinja) };
        return config;
    }

    /// <summary>Parses the text of a <c>tokenizer_config.json</c>; <paramref name="source"/> names it in errors.</summary>
    public static TokenizerConfig Parse(string json, string source = "tokenizer_config.json")
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            return new TokenizerConfig
            {
                ChatTemplate = ReadTemplate(root, source),
                EosToken = TokenText(root, "eos_token"),
                PadToken = TokenText(root, "pad_token"),
                BosToken = TokenText(root, "bos_token"),
                UnkToken = TokenText(root, "unk_token"),
                ModelMaxLength = root.TryGetProperty("model_max_length", out var m) && m.ValueKind == JsonValueKind.Number && m.TryGetInt64(out long v) ? v : null,
            };
        }
        catch (JsonException e) { throw new BardException($"{source}: not valid JSON ({e.Message}).", e); }
    }

    static string? ReadTemplate(JsonElement root, string source)
    {
        if (!root.TryGetProperty("chat_template", out var t) || t.ValueKind == JsonValueKind.Null) return null;
        if (t.ValueKind == JsonValueKind.String) return t.GetString();
        if (t.ValueKind == JsonValueKind.Array)
        {
            // Named templates ([{"name": "default", "template": ...}, {"name": "tool_use", ...}]): the default one.
            foreach (var e in t.EnumerateArray())
                if (e.TryGetProperty("name", out var n) && n.GetString() == "default") return e.GetProperty("template").GetString();
            throw new BardException($"{source}: chat_template is a list without a template named 'default'; add one.");
        }
        throw new BardException($"{source}: chat_template must be a string or a list of named templates.");
    }

    // A token is written either as its text or as an AddedToken object {"content": ...}.
    static string? TokenText(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var t) ? null
        : t.ValueKind == JsonValueKind.String ? t.GetString()
        : t.ValueKind == JsonValueKind.Object && t.TryGetProperty("content", out var c) ? c.GetString()
        : null;
}
