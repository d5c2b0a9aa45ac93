using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Bard.Serving;

/// <summary>
/// <c>bard serve</c>: an OpenAI-compatible HTTP server (Kestrel) in front of a <see cref="ChatBatcher"/>.
/// <c>GET /v1/models</c>, <c>POST /v1/chat/completions</c> (non-streaming and server-sent events), <c>GET /health</c>.
/// The thinking goes to <c>message.reasoning_content</c>, the answer to <c>message.content</c>, as vLLM's reasoning
/// parsers do. Every bad request gets an OpenAI-style JSON error with a 4xx status; see docs/serving.md.
/// </summary>
public sealed class ChatServer : IAsyncDisposable
{
    static readonly JsonWriterOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    readonly WebApplication app;
    readonly ChatBatcher batcher;
    readonly ServeOptions options;
    readonly TimeProvider clock;

    ChatServer(WebApplication app, ChatBatcher batcher, ServeOptions options, TimeProvider clock)
    {
        (this.app, this.batcher, this.options, this.clock) = (app, batcher, options, clock);
    }

    /// <summary>The port it listens on (the one picked when <see cref="ServeOptions.Port"/> is 0).</summary>
    public int Port { get; private set; }

    /// <summary>The base URL of the API, e.g. <c>http://127.0.0.1:8000/v1</c>.</summary>
    public Uri BaseUrl => new($"http://{(options.Host.Contains(':') ? $"[{options.Host}]" : options.Host)}:{Port}/v1");

    /// <summary>The batcher behind it (its statistics show the batching).</summary>
    public ChatBatcher Batcher => batcher;

    /// <summary>Starts serving <paramref name="batcher"/>; the server owns it from then on and disposes it on stop.</summary>
    public static async Task<ChatServer> StartAsync(ChatBatcher batcher, ServeOptions options, TimeProvider? clock = null, CancellationToken cancel = default)
    {
        options.Validate();
        var app = HttpPlumbing.Create(options.Host, options.Port, options.MaxBodyBytes);
        var server = new ChatServer(app, batcher, options, clock ?? TimeProvider.System);
        app.MapGet("/health", () => Results.Text("ok"));
        app.MapGet("/v1/models", context => HttpPlumbing.GuardAsync(context, () => server.ModelsAsync(context)));
        app.MapPost("/v1/chat/completions", context => HttpPlumbing.GuardAsync(context, () => server.ChatAsync(context)));
        var routes = new Dictionary<string, string> { ["/v1/models"] = "GET", ["/v1/chat/completions"] = "POST", ["/health"] = "GET" };
        app.MapFallback(context => HttpPlumbing.NoRouteAsync(context, routes));
        await app.StartAsync(cancel);
        server.Port = HttpPlumbing.BoundPort(app);
        return server;
    }

    Task ModelsAsync(HttpContext context)
    {
        if (!HttpPlumbing.Authorized(context, options.ApiKey)) throw HttpPlumbing.Unauthorized();
        return WriteJsonAsync(context, w =>
        {
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            w.WriteStartObject();
            w.WriteString("id", options.ModelName);
            w.WriteString("object", "model");
            w.WriteNumber("created", 0);
            w.WriteString("owned_by", "bard");
            w.WriteNumber("max_model_len", batcher.ContextLength);
            w.WriteEndObject();
            w.WriteEndArray();
        });
    }

    async Task ChatAsync(HttpContext context)
    {
        if (!HttpPlumbing.Authorized(context, options.ApiKey)) throw HttpPlumbing.Unauthorized();
        // The deadline covers the whole request, reading its body included (a body that never arrives gets 408).
        using var expiry = new CancellationTokenSource(options.RequestTimeout, clock);
        var body = await HttpPlumbing.ReadBodyAsync(context, options.MaxBodyBytes, expiry.Token);
        var request = ChatCompletionRequest.Parse(body, options.Thinking);
        if (request.Model != options.ModelName)
            throw new ApiErrorException(new ApiError(404, $"the model '{request.Model}' does not exist here; this server serves '{options.ModelName}'.", "invalid_request_error", "model", "model_not_found"));
        var prompt = batcher.Prepare(request);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, expiry.Token);
        string id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        long created = clock.GetUtcNow().ToUnixTimeSeconds();
        try
        {
            if (request.Stream) await StreamAsync(context, request, prompt, id, created, timeout.Token);
            else
            {
                var result = await batcher.Submit(request, prompt, null, timeout.Token);
                await WriteJsonAsync(context, w => WriteCompletion(w, result, id, created, request.IncludeReasoning));
            }
        }
        catch (OperationCanceledException) when (expiry.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            throw HttpPlumbing.DeadlineExceeded(options.RequestTimeout);
        }
    }

    async Task StreamAsync(HttpContext context, ChatCompletionRequest request, PreparedPrompt prompt, string id, long created, CancellationToken cancel)
    {
        var deltas = Channel.CreateUnbounded<ChoiceDelta>(new UnboundedChannelOptions { SingleReader = true });
        var task = batcher.Submit(request, prompt, d => deltas.Writer.TryWrite(d), cancel);
        _ = task.ContinueWith(_ => deltas.Writer.TryComplete(), TaskScheduler.Default);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        for (int i = 0; i < request.N; i++)
            await ChunkAsync(context, id, created, i, w => { w.WriteString("role", "assistant"); w.WriteString("content", ""); }, null, cancel);
        while (await deltas.Reader.WaitToReadAsync(cancel))
        {
            // Whatever has piled up since the last write goes out as one chunk per choice and kind, so a slow client
            // costs fewer writes (and notices a disconnect sooner) while the batch runs on.
            var pending = new List<ChoiceDelta>();
            while (deltas.Reader.TryRead(out var d))
            {
                if (pending.Count > 0 && pending[^1].Index == d.Index && (pending[^1].Content.Length == 0) == (d.Content.Length == 0) && (pending[^1].Reasoning.Length == 0) == (d.Reasoning.Length == 0))
                    pending[^1] = pending[^1] with { Reasoning = pending[^1].Reasoning + d.Reasoning, Content = pending[^1].Content + d.Content };
                else pending.Add(d);
            }
            foreach (var d in pending)
            {
                if (d.Content.Length == 0 && !request.IncludeReasoning) continue;
                await ChunkAsync(context, id, created, d.Index, w =>
                {
                    // Both names: vLLM's reasoning, and reasoning_content (SGLang, DeepSeek, Qwen's API, older vLLM).
                    if (d.Reasoning.Length > 0 && request.IncludeReasoning) { w.WriteString("reasoning", d.Reasoning); w.WriteString("reasoning_content", d.Reasoning); }
                    if (d.Content.Length > 0) w.WriteString("content", d.Content);
                }, null, cancel);
            }
        }
        ChatResult result;
        try { result = await task; }
        catch (ApiErrorException e)
        {
            await WriteEventAsync(context, e.Error.ToJson(), cancel); // OpenAI streams a late error as an event
            return;
        }
        foreach (var c in result.Choices) await ChunkAsync(context, id, created, c.Index, _ => { }, c.FinishReason, cancel, c.BudgetForced);
        if (request.IncludeUsage)
            await WriteEventAsync(context, Json(w =>
            {
                Header(w, id, created, "chat.completion.chunk");
                w.WriteStartArray("choices");
                w.WriteEndArray();
                WriteUsage(w, result.Usage);
            }), cancel);
        await context.Response.WriteAsync("data: [DONE]\n\n", cancel);
        await context.Response.Body.FlushAsync(cancel);
    }

    Task ChunkAsync(HttpContext context, string id, long created, int index, Action<Utf8JsonWriter> delta, string? finish, CancellationToken cancel, bool? budgetForced = null) =>
        WriteEventAsync(context, Json(w =>
        {
            Header(w, id, created, "chat.completion.chunk");
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", index);
            w.WriteStartObject("delta");
            delta(w);
            w.WriteEndObject();
            w.WriteNull("logprobs");
            if (finish is null) w.WriteNull("finish_reason"); else w.WriteString("finish_reason", finish);
            if (budgetForced is bool forced) w.WriteBoolean("budget_forced", forced);
            w.WriteEndObject();
            w.WriteEndArray();
        }), cancel);

    static async Task WriteEventAsync(HttpContext context, string json, CancellationToken cancel)
    {
        await context.Response.WriteAsync("data: " + json + "\n\n", cancel);
        await context.Response.Body.FlushAsync(cancel);
    }

    void Header(Utf8JsonWriter w, string id, long created, string obj)
    {
        w.WriteString("id", id);
        w.WriteString("object", obj);
        w.WriteNumber("created", created);
        w.WriteString("model", options.ModelName);
    }

    void WriteCompletion(Utf8JsonWriter w, ChatResult result, string id, long created, bool includeReasoning)
    {
        Header(w, id, created, "chat.completion");
        w.WriteStartArray("choices");
        foreach (var c in result.Choices)
        {
            w.WriteStartObject();
            w.WriteNumber("index", c.Index);
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            w.WriteString("content", c.Content);
            if (includeReasoning)
            {
                // Both names: vLLM's reasoning, and reasoning_content (SGLang, DeepSeek, Qwen's API, older vLLM).
                w.WriteString("reasoning", c.ReasoningContent);
                w.WriteString("reasoning_content", c.ReasoningContent);
            }
            w.WriteEndObject();
            w.WriteNull("logprobs");
            w.WriteString("finish_reason", c.FinishReason);
            w.WriteBoolean("budget_forced", c.BudgetForced);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteUsage(w, result.Usage);
    }

    static void WriteUsage(Utf8JsonWriter w, ChatUsage u)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", u.PromptTokens);
        w.WriteNumber("completion_tokens", u.CompletionTokens);
        w.WriteNumber("total_tokens", u.TotalTokens);
        w.WriteStartObject("completion_tokens_details");
        w.WriteNumber("reasoning_tokens", u.ReasoningTokens);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    static string Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, JsonOptions))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    static Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> body)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(Json(body), context.RequestAborted);
    }

    /// <summary>Stops accepting requests, lets those in flight finish (up to 5 s), then stops the batcher.</summary>
    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await app.StopAsync(grace.Token); } catch (OperationCanceledException) { }
        await batcher.DisposeAsync();
        await app.DisposeAsync();
    }
}
