using System.Text.Json;
using Bard.Text.Jinja;

namespace Bard.Text;

/// <summary>Options of one chat rendering, named as transformers' <c>apply_chat_template</c> names them.</summary>
public sealed record ChatRenderOptions
{
    /// <summary>Append the start of an assistant turn (<c>add_generation_prompt</c>). Default false.</summary>
    public bool AddGenerationPrompt { get; init; }
    /// <summary>Qwen3's <c>enable_thinking</c>; null (default) leaves it undefined, which Qwen3 treats as true.</summary>
    public bool? EnableThinking { get; init; }
    /// <summary>
    /// Other template variables, as transformers' <c>**kwargs</c> and vLLM/SGLang's <c>chat_template_kwargs</c> pass them
    /// (e.g. <c>thinking_budget</c>, which Bard's ChatML turns into the budget line). Default none.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? Variables { get; init; }
    /// <summary>Values of <c>bos_token</c>, <c>eos_token</c>, <c>pad_token</c>, <c>unk_token</c> (transformers passes them); default from the tokenizer config.</summary>
    public IReadOnlyDictionary<string, string>? SpecialTokens { get; init; }
}

/// <summary>
/// A chat template (the Jinja <c>chat_template</c> of <c>tokenizer_config.json</c>) run by Bard's own
/// interpreter of the Jinja subset chat templates use, with transformers' settings (trim_blocks,
/// lstrip_blocks, tojson without ASCII escaping). Qwen3's template renders byte-identically to transformers.
/// A template using anything outside the subset is refused when parsed (or, for an unsupported method or
/// function on a branch actually taken, when rendered) with <see cref="BardException"/>; it is never
/// rendered approximately. Knows nothing about token ids.
/// </summary>
public sealed class ChatTemplate
{
    readonly List<Stmt> body;
    readonly string name;

    ChatTemplate(List<Stmt> body, string name, string source)
    {
        this.body = body;
        this.name = name;
        Source = source;
    }

    /// <summary>The template text.</summary>
    public string Source { get; }

    /// <summary>Parses a template; <paramref name="name"/> names it in errors (for example "qwen3/tokenizer_config.json chat_template").</summary>
    public static ChatTemplate Parse(string source, string name = "chat_template") => new(JinjaParser.Parse(source, name), name, source);

    /// <summary>The chat template of a tokenizer config; throws naming the file when it has none.</summary>
    public static ChatTemplate FromConfig(TokenizerConfig config, string name = "tokenizer_config.json") =>
        Parse(config.ChatTemplate ?? throw new BardException($"{name}: has no chat_template; use a checkpoint with one or pass a template file."), $"{name} chat_template");

    /// <summary>Renders <paramref name="messages"/>; special token values come from <paramref name="config"/> unless set in the options.</summary>
    public string Render(IReadOnlyList<ChatMessage> messages, ChatRenderOptions? options = null, TokenizerConfig? config = null)
    {
        var list = messages.Select(m =>
        {
            var d = new Dictionary<string, object?>(StringComparer.Ordinal) { ["role"] = m.RoleName, ["content"] = m.Content };
            if (m.ReasoningContent is not null) d["reasoning_content"] = m.ReasoningContent;
            return (object?)d;
        }).ToList();
        return RenderValues(list, options ?? new ChatRenderOptions(), config);
    }

    /// <summary>
    /// Renders messages given as JSON (an array of objects with at least "role" and "content"; other fields such
    /// as "reasoning_content" or "tool_calls" are passed to the template as they are).
    /// </summary>
    public string RenderJson(string messagesJson, ChatRenderOptions? options = null, TokenizerConfig? config = null, string source = "messages")
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(messagesJson); }
        catch (JsonException e) { throw new BardException($"{source}: not valid JSON ({e.Message}).", e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
                throw new BardException($"{source}: must be a JSON array of {{\"role\": ..., \"content\": ...}} objects.");
            int i = 0;
            foreach (var m in doc.RootElement.EnumerateArray())
            {
                if (m.ValueKind != JsonValueKind.Object || !m.TryGetProperty("role", out var r) || r.ValueKind != JsonValueKind.String
                    || !m.TryGetProperty("content", out var c) || c.ValueKind != JsonValueKind.String)
                    throw new BardException($"{source}: message {i} needs a string \"role\" and a string \"content\".");
                i++;
            }
            return RenderValues((List<object?>)PyValue.FromJson(doc.RootElement)!, options ?? new ChatRenderOptions(), config);
        }
    }

    string RenderValues(List<object?> messages, ChatRenderOptions options, TokenizerConfig? config)
    {
        var vars = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["messages"] = messages,
            ["tools"] = null,
            ["documents"] = null,
            ["add_generation_prompt"] = options.AddGenerationPrompt,
        };
        if (options.EnableThinking is bool think) vars["enable_thinking"] = think;
        if (config is not null)
        {
            foreach (var (key, value) in new[] { ("bos_token", config.BosToken), ("eos_token", config.EosToken), ("pad_token", config.PadToken), ("unk_token", config.UnkToken) })
                if (value is not null) vars[key] = value;
        }
        if (options.SpecialTokens is not null)
            foreach (var (k, v) in options.SpecialTokens) vars[k] = v;
        if (options.Variables is not null)
            foreach (var (k, v) in options.Variables) vars[k] = v is int i ? (long)i : v; // Jinja integers are longs here
        return JinjaInterpreter.Render(body, vars, name);
    }
}
