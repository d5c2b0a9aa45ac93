using System.Globalization;
using System.Text.Json;
using Bard.Text;

namespace Bard.Serving;

/// <summary>
/// A <c>POST /v1/chat/completions</c> body as <c>bard serve</c> understands it: OpenAI's fields plus the thinking
/// control of every client family (<see cref="ThinkingControl"/>: Bard's <c>thinking_budget</c> and <c>budget_enforcement</c>,
/// vLLM's <c>thinking_token_budget</c>, <c>chat_template_kwargs</c>, Anthropic's <c>thinking</c>, OpenRouter's
/// <c>reasoning</c>, <c>reasoning_effort</c>, <c>include_reasoning</c>). <see cref="Parse"/> checks types and ranges and throws
/// <see cref="ApiErrorException"/> (400) naming the field; limits that depend on the model are checked by the server.
/// </summary>
public sealed record ChatCompletionRequest
{
    /// <summary>The model asked for (must be the served one).</summary>
    public required string Model { get; init; }
    /// <summary>The conversation; at least one message.</summary>
    public required IReadOnlyList<ChatMessage> Messages { get; init; }
    /// <summary><c>max_tokens</c> or <c>max_completion_tokens</c>: most new tokens per choice; null = the server default.</summary>
    public int? MaxTokens { get; init; }
    /// <summary>Sampling temperature, 0 = greedy. OpenAI's default 1.</summary>
    public double Temperature { get; init; } = 1.0;
    /// <summary>Nucleus sampling mass in (0, 1]. Default 1.</summary>
    public double TopP { get; init; } = 1.0;
    /// <summary>Sampling seed; null draws one per batch.</summary>
    public long? Seed { get; init; }
    /// <summary>Stop strings (at most 4); the text ends before the first one found and is not included.</summary>
    public IReadOnlyList<string> Stop { get; init; } = [];
    /// <summary>Choices to generate for the prompt. Default 1.</summary>
    public int N { get; init; } = 1;
    /// <summary>Answer as server-sent events of <c>chat.completion.chunk</c>.</summary>
    public bool Stream { get; init; }
    /// <summary><c>stream_options.include_usage</c>: send a last chunk with usage.</summary>
    public bool IncludeUsage { get; init; }
    /// <summary>Thinking budget in tokens, stated in the last user turn through <see cref="BudgetPromptFormat"/>; null = none.</summary>
    public int? ThinkingBudget { get; init; }
    /// <summary>How the budget is applied. Default <see cref="BudgetEnforcement.Prompt"/>.</summary>
    public BudgetEnforcement Enforcement { get; init; } = BudgetEnforcement.Prompt;
    /// <summary>false: thinking switched off (the template's <c>enable_thinking</c>, and the thinking closed at once where the template has no switch); null: the template's default.</summary>
    public bool? EnableThinking { get; init; }
    /// <summary>false: the reply carries no reasoning (<c>include_reasoning: false</c>, <c>reasoning.exclude</c>). Default true.</summary>
    public bool IncludeReasoning { get; init; } = true;

    /// <summary>Parses and checks a JSON body; throws <see cref="ApiErrorException"/> with status 400 naming the field.</summary>
    public static ChatCompletionRequest Parse(ReadOnlySpan<byte> body, ThinkingDefaults? defaults = null)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 32 }); }
        catch (JsonException e) { throw Bad($"the body is not valid JSON ({e.Message}); send a JSON object.", null); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Bad("the body must be a JSON object.", null);
            string model = Str(root, "model") ?? throw Bad("'model' is required: name the served model (GET /v1/models lists it).", "model");
            if (!root.TryGetProperty("messages", out var msgs) || msgs.ValueKind != JsonValueKind.Array || msgs.GetArrayLength() == 0)
                throw Bad("'messages' must be a non-empty array of {role, content}.", "messages");
            var messages = new List<ChatMessage>();
            int i = 0;
            foreach (var m in msgs.EnumerateArray()) messages.Add(Message(m, i++));

            // Features this server does not implement are refused, not silently ignored.
            if (root.TryGetProperty("tools", out var tools) && tools.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null))
                throw Bad("'tools' must be an array (and bard serve supports none).", "tools");
            if (tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0)
                throw Bad("'tools' (function calling) is not supported by bard serve.", "tools");
            if (Bool(root, "logprobs") == true) throw Bad("'logprobs' is not supported by bard serve.", "logprobs");
            if (root.TryGetProperty("response_format", out var rf) && rf.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                throw Bad("'response_format' must be an object such as {\"type\": \"text\"}.", "response_format");
            if (rf.ValueKind == JsonValueKind.Object && Str(rf, "type") is { } rft && rft != "text")
                throw Bad($"'response_format' type '{rft}' is not supported by bard serve; only \"text\".", "response_format");

            int? maxTokens = Int(root, "max_completion_tokens") ?? Int(root, "max_tokens");
            if (maxTokens is < 1) throw Bad($"'max_tokens' must be ≥ 1, got {maxTokens}.", "max_tokens");
            double temperature = Num(root, "temperature") ?? 1.0;
            if (!(temperature >= 0 && temperature <= 2)) throw Bad($"'temperature' must be in [0, 2], got {temperature}.", "temperature");
            double topP = Num(root, "top_p") ?? 1.0;
            if (!(topP > 0 && topP <= 1)) throw Bad($"'top_p' must be in (0, 1], got {topP}.", "top_p");
            long? seed = null;
            if (root.TryGetProperty("seed", out var s) && s.ValueKind != JsonValueKind.Null)
                seed = s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out long sv) ? sv : throw Bad("'seed' must be an integer.", "seed");
            int n = Int(root, "n") ?? 1;
            if (n < 1) throw Bad($"'n' must be ≥ 1, got {n}.", "n");
            bool stream = Bool(root, "stream") ?? false;
            if (root.TryGetProperty("stream_options", out var so) && so.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                throw Bad("'stream_options' must be an object such as {\"include_usage\": true}.", "stream_options");
            bool includeUsage = so.ValueKind == JsonValueKind.Object && (Bool(so, "include_usage") ?? false);

            var stop = new List<string>();
            if (root.TryGetProperty("stop", out var st))
            {
                if (st.ValueKind == JsonValueKind.String) stop.Add(st.GetString()!);
                else if (st.ValueKind == JsonValueKind.Array)
                    foreach (var e in st.EnumerateArray())
                        stop.Add(e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Bad("'stop' must be a string or an array of strings.", "stop"));
                else if (st.ValueKind != JsonValueKind.Null) throw Bad("'stop' must be a string or an array of strings.", "stop");
            }
            if (stop.Count > 4) throw Bad($"'stop' takes at most 4 strings, got {stop.Count}.", "stop");
            if (stop.Any(x => x.Length == 0)) throw Bad("'stop' strings must be non-empty.", "stop");

            var thinking = ThinkingControl.Read(root, defaults ?? ThinkingDefaults.Default);
            if (thinking.Budget is not null && !messages.Any(m => m.Role == ChatRole.User))
                throw Bad("the thinking budget is stated in the last user turn, and 'messages' has none.", "thinking_budget");

            return new ChatCompletionRequest
            {
                Model = model, Messages = messages, MaxTokens = maxTokens, Temperature = temperature, TopP = topP, Seed = seed,
                Stop = stop, N = n, Stream = stream, IncludeUsage = includeUsage, ThinkingBudget = thinking.Budget, Enforcement = thinking.Enforcement,
                EnableThinking = thinking.Thinking, IncludeReasoning = thinking.IncludeReasoning,
            };
        }
    }

    static ChatMessage Message(JsonElement m, int i)
    {
        if (m.ValueKind != JsonValueKind.Object) throw Bad($"messages[{i}] must be an object with 'role' and 'content'.", $"messages[{i}]");
        string role = Str(m, "role") ?? throw Bad($"messages[{i}].role is required.", $"messages[{i}].role");
        var r = role switch
        {
            "system" or "developer" => ChatRole.System,
            "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            _ => throw Bad($"messages[{i}].role '{role}' is not supported; use system, developer, user or assistant.", $"messages[{i}].role"),
        };
        string content;
        if (!m.TryGetProperty("content", out var c) || c.ValueKind == JsonValueKind.Null) content = "";
        else if (c.ValueKind == JsonValueKind.String) content = c.GetString()!;
        else if (c.ValueKind == JsonValueKind.Array)
        {
            var sb = new System.Text.StringBuilder();
            foreach (var part in c.EnumerateArray())
            {
                if (part.ValueKind != JsonValueKind.Object || Str(part, "type") != "text" || Str(part, "text") is not { } text)
                    throw Bad($"messages[{i}].content parts must be {{\"type\":\"text\",\"text\":...}}; this server reads text only.", $"messages[{i}].content");
                sb.Append(text);
            }
            content = sb.ToString();
        }
        else throw Bad($"messages[{i}].content must be a string or an array of text parts.", $"messages[{i}].content");
        // Earlier assistant turns carry their thinking as reasoning_content (DeepSeek, SGLang, Qwen) or reasoning (vLLM, OpenRouter).
        string? reasoning = null;
        if (r == ChatRole.Assistant)
        {
            string? rc = Str(m, "reasoning_content"), rn = m.TryGetProperty("reasoning", out var rv) && rv.ValueKind == JsonValueKind.String ? rv.GetString() : null;
            if (rc is not null && rn is not null && rc != rn)
                throw Bad($"messages[{i}] has both 'reasoning' and 'reasoning_content', and they differ; send one.", $"messages[{i}].reasoning");
            reasoning = rc ?? rn;
        }
        return new ChatMessage(r, content) { ReasoningContent = reasoning };
    }

    static ApiErrorException Bad(string message, string? param) => new(ApiError.BadRequest(message, param));

    static string? Str(JsonElement o, string name) => !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString() : throw Bad($"'{name}' must be a string.", name);

    static double? Num(JsonElement o, string name) => !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Bad($"'{name}' must be a number.", name);

    static int? Int(JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long x)) throw Bad($"'{name}' must be an integer.", name);
        return x > int.MaxValue ? int.MaxValue : x < int.MinValue ? int.MinValue : (int)x;
    }

    static bool? Bool(JsonElement o, string name) => !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw Bad($"'{name}' must be true or false.", name);

    internal static string Invariant(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
