using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Bard.Text;
using OpenAI;
using OpenAI.Chat;
using ChatMessage = Bard.Text.ChatMessage;

namespace Bard.Serving;

/// <summary>
/// A client of any OpenAI-compatible chat endpoint, on the official OpenAI .NET SDK's pipeline (its authentication
/// and transport; its protocol method, so that <c>reasoning_content</c> and <c>thinking_budget</c>, which the typed
/// API does not model, pass through). It bounds the requests in flight, retries 408, 429, 5xx, timeouts, broken
/// connections, malformed JSON and cut streams with exponential backoff and jitter, honours Retry-After, and counts
/// token usage. Reasoning is read from <c>reasoning_content</c>/<c>reasoning</c> or from &lt;think&gt; tags in the
/// content. Thread-safe; one instance per endpoint. Used by the LLM teacher and compressor and by <c>bard eval --endpoint</c>.
/// </summary>
public sealed class ChatEndpoint : IDisposable
{
    static readonly int[] Retryable = [408, 429, 500, 502, 503, 504];
    readonly ChatEndpointOptions options;
    readonly ChatClient client;
    readonly SemaphoreSlim slots;
    readonly Func<TimeSpan, CancellationToken, Task> delay;
    readonly TimeProvider time;
    readonly Random jitter;
    readonly BudgetPromptFormat format;
    readonly object gate = new();
    ChatUsage total = ChatUsage.Zero;
    long requests, retries;

    /// <param name="options">Where and how to call.</param>
    /// <param name="format">Think delimiters for servers that leave reasoning in the content; default <see cref="BudgetPromptFormat.Default"/>.</param>
    /// <param name="delay">How to wait between tries (tests pass a recorder); default: a delay on <paramref name="time"/>.</param>
    /// <param name="time">The clock of the per-try timeout, of the waits and of Retry-After dates; default <see cref="TimeProvider.System"/>.</param>
    public ChatEndpoint(ChatEndpointOptions options, BudgetPromptFormat? format = null, Func<TimeSpan, CancellationToken, Task>? delay = null,
        TimeProvider? time = null)
    {
        this.options = options.Validate();
        this.format = (format ?? BudgetPromptFormat.Default).Validate();
        this.time = time ?? TimeProvider.System;
        this.delay = delay ?? ((wait, cancel) => Task.Delay(wait, this.time, cancel));
        jitter = new Random(options.JitterSeed);
        slots = new SemaphoreSlim(options.MaxConcurrency);
        var sdk = new OpenAIClientOptions
        {
            Endpoint = options.Endpoint,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0), // retries are ours: they also cover malformed answers and cut streams
            NetworkTimeout = options.Timeout,
        };
        client = new ChatClient(options.Model, new ApiKeyCredential(options.ApiKey ?? "none"), sdk);
    }

    /// <summary>The options it was made with.</summary>
    public ChatEndpointOptions Options => options;

    /// <summary>Token usage summed over every successful request so far.</summary>
    public ChatUsage TotalUsage { get { lock (gate) return total; } }

    /// <summary>Requests completed and retries made so far.</summary>
    public (long Requests, long Retries) Counts => (Interlocked.Read(ref requests), Interlocked.Read(ref retries));

    /// <summary>
    /// Sends one chat completion request and returns its choices; retries transient failures (see the class summary).
    /// Throws <see cref="EndpointException"/> when the server refuses the request or every try fails, and
    /// <see cref="OperationCanceledException"/> when <paramref name="cancel"/> fires.
    /// </summary>
    public async Task<EndpointReply> CompleteAsync(IReadOnlyList<ChatMessage> messages, ChatRequestSettings? settings = null, CancellationToken cancel = default)
    {
        settings ??= new ChatRequestSettings();
        byte[] body = RequestBody(messages, settings);
        await slots.WaitAsync(cancel);
        try
        {
            string last = "";
            int? lastStatus = null;
            for (int attempt = 1; ; attempt++)
            {
                TimeSpan? retryAfter = null;
                using var expiry = new CancellationTokenSource(options.Timeout, time);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel, expiry.Token);
                try
                {
                    var requestOptions = new RequestOptions { CancellationToken = timeout.Token, ErrorOptions = ClientErrorBehaviors.NoThrow, BufferResponse = !options.Stream };
                    ClientResult result = await client.CompleteChatAsync(BinaryContent.Create(BinaryData.FromBytes(body)), requestOptions);
                    using var response = result.GetRawResponse();
                    lastStatus = response.Status;
                    if (response.Status is >= 200 and < 300)
                    {
                        var reply = options.Stream
                            ? await ReadStreamAsync(response.ContentStream!, attempt, timeout.Token)
                            : ReadJson(response.Content.ToMemory(), attempt);
                        lock (gate) total += reply.Usage;
                        Interlocked.Increment(ref requests);
                        return reply;
                    }
                    string error = ErrorText(response);
                    if (!Retryable.Contains(response.Status))
                        throw new EndpointException($"{options.Endpoint} refused the request with {response.Status}: {error}", response.Status, transient: false);
                    last = $"{response.Status}: {error}";
                    retryAfter = RetryAfter(response, time.GetUtcNow());
                }
                catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
                {
                    last = $"no complete answer within the timeout of {options.Timeout.TotalSeconds:F0} s";
                    lastStatus = null;
                }
                catch (MalformedReplyException e) { last = e.Message; }
                catch (Exception e) when (e is ClientResultException or HttpRequestException or IOException)
                {
                    last = $"connection failed: {e.Message}";
                    lastStatus = null;
                }
                if (attempt >= options.MaxAttempts)
                    throw new EndpointException($"{options.Endpoint} failed {attempt} tries; the last: {last}", lastStatus, transient: true);
                Interlocked.Increment(ref retries);
                await delay(NextDelay(attempt, retryAfter), cancel);
            }
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>The wait before try <paramref name="attempt"/> + 1: the server's Retry-After when it gave one, else exponential backoff with jitter.</summary>
    public TimeSpan NextDelay(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } r) return r < options.MaxRetryAfter ? r : options.MaxRetryAfter;
        double factor;
        lock (jitter) factor = 0.5 + jitter.NextDouble();
        double seconds = Math.Min(options.MaxBackoff.TotalSeconds, options.InitialBackoff.TotalSeconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromSeconds(seconds * factor);
    }

    static TimeSpan? RetryAfter(PipelineResponse response, DateTimeOffset now)
    {
        if (response.Headers.TryGetValue("retry-after-ms", out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out double m) && m >= 0)
            return TimeSpan.FromMilliseconds(m);
        if (!response.Headers.TryGetValue("Retry-After", out var value) || value is null) return null;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s >= 0) return TimeSpan.FromSeconds(s);
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            var wait = at - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    static string ErrorText(PipelineResponse response)
    {
        string text;
        try { text = response.BufferContent().ToString(); } catch (Exception) { return response.ReasonPhrase; }
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.TryGetProperty("error", out var e))
                return e.ValueKind == JsonValueKind.Object && e.TryGetProperty("message", out var m) ? m.GetString() ?? text : e.ToString();
        }
        catch (JsonException) { }
        return text.Length > 300 ? text[..300] + "…" : text;
    }

    byte[] RequestBody(IReadOnlyList<ChatMessage> messages, ChatRequestSettings s)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("model", options.Model);
            w.WriteStartArray("messages");
            foreach (var m in messages)
            {
                w.WriteStartObject();
                w.WriteString("role", m.RoleName);
                w.WriteString("content", m.Content);
                if (m.ReasoningContent is not null) w.WriteString("reasoning_content", m.ReasoningContent);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (s.MaxTokens is int mt) w.WriteNumber("max_tokens", mt);
            if (s.Temperature is double t) w.WriteNumber("temperature", t);
            if (s.TopP is double p) w.WriteNumber("top_p", p);
            if (s.Seed is long seed) w.WriteNumber("seed", seed);
            if (s.Stop.Count > 0) { w.WriteStartArray("stop"); foreach (var x in s.Stop) w.WriteStringValue(x); w.WriteEndArray(); }
            if (s.N != 1) w.WriteNumber("n", s.N);
            if (s.ThinkingBudget is int b) w.WriteNumber("thinking_budget", b);
            if (s.Enforcement is { } e) w.WriteString("budget_enforcement", e == BudgetEnforcement.Force ? "force" : "prompt");
            if (options.Stream)
            {
                w.WriteBoolean("stream", true);
                w.WriteStartObject("stream_options");
                w.WriteBoolean("include_usage", true);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    EndpointReply ReadJson(ReadOnlyMemory<byte> json, int attempt)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var choices = new List<EndpointChoice>();
            foreach (var c in root.GetProperty("choices").EnumerateArray())
            {
                var m = c.GetProperty("message");
                choices.Add(Choice(c.GetProperty("index").GetInt32(), String(m, "reasoning_content") ?? String(m, "reasoning"), String(m, "content") ?? "", String(c, "finish_reason")));
            }
            if (choices.Count == 0) throw new MalformedReplyException("the answer has no choices");
            return new EndpointReply(choices.OrderBy(c => c.Index).ToList(), Usage(root), attempt);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new MalformedReplyException($"malformed JSON answer ({e.Message})");
        }
    }

    async Task<EndpointReply> ReadStreamAsync(Stream stream, int attempt, CancellationToken cancel)
    {
        var reasoning = new SortedDictionary<int, StringBuilder>();
        var content = new SortedDictionary<int, StringBuilder>();
        var finish = new Dictionary<int, string?>();
        var usage = ChatUsage.Zero;
        bool done = false;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        try
        {
            string? line;
            while (!done && (line = await reader.ReadLineAsync(cancel)) is not null)
            {
                if (!line.StartsWith("data:", StringComparison.Ordinal)) continue; // blank lines, comments, event names
                string data = line[5..].Trim();
                if (data == "[DONE]") { done = true; break; }
                using var doc = JsonDocument.Parse(data);
                var root = doc.RootElement;
                if (root.TryGetProperty("error", out var err)) throw new MalformedReplyException($"the stream reported an error: {err}");
                if (root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object) usage = Usage(root);
                if (!root.TryGetProperty("choices", out var choices)) continue;
                foreach (var c in choices.EnumerateArray())
                {
                    int i = c.GetProperty("index").GetInt32();
                    if (!reasoning.ContainsKey(i)) { reasoning[i] = new(); content[i] = new(); finish[i] = null; }
                    if (c.TryGetProperty("delta", out var d) && d.ValueKind == JsonValueKind.Object)
                    {
                        reasoning[i].Append(String(d, "reasoning_content") ?? String(d, "reasoning"));
                        content[i].Append(String(d, "content"));
                    }
                    if (String(c, "finish_reason") is { } f) finish[i] = f;
                }
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new MalformedReplyException($"malformed stream chunk ({e.Message})");
        }
        catch (IOException e) { throw new MalformedReplyException($"the stream broke off ({e.Message})"); }
        if (!done) throw new MalformedReplyException("the stream ended before its [DONE] event (cut in the middle)");
        if (reasoning.Count == 0) throw new MalformedReplyException("the stream had no choices");
        var list = reasoning.Keys.Select(i => Choice(i, reasoning[i].Length > 0 ? reasoning[i].ToString() : null, content[i].ToString(), finish[i])).ToList();
        return new EndpointReply(list, usage, attempt);
    }

    /// <summary>A choice from the server's reasoning field, or from think tags in the content when it has none.</summary>
    EndpointChoice Choice(int index, string? reasoning, string content, string? finish)
    {
        if (!string.IsNullOrEmpty(reasoning)) return new EndpointChoice(index, reasoning, content, finish);
        var split = format.Split(content);
        if (!split.HasThinking) return new EndpointChoice(index, "", content, finish);
        string answer = split.Preamble.Trim().Length > 0 ? split.Preamble + split.Answer : split.Answer;
        return new EndpointChoice(index, split.Thinking, answer, finish, split.Closed);
    }

    static ChatUsage Usage(JsonElement root)
    {
        if (!root.TryGetProperty("usage", out var u) || u.ValueKind != JsonValueKind.Object) return ChatUsage.Zero;
        int Int(JsonElement o, string name) => o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;
        // OpenAI's shape (completion_tokens_details.reasoning_tokens), or a top-level usage.reasoning_tokens as some servers write it.
        int reasoning = u.TryGetProperty("completion_tokens_details", out var d) && d.ValueKind == JsonValueKind.Object && d.TryGetProperty("reasoning_tokens", out _)
            ? Int(d, "reasoning_tokens") : Int(u, "reasoning_tokens");
        return new ChatUsage(Int(u, "prompt_tokens"), Int(u, "completion_tokens"), reasoning);
    }

    static string? String(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public void Dispose() => slots.Dispose();

    /// <summary>A 2xx answer that could not be read: retried like a server error.</summary>
    sealed class MalformedReplyException(string message) : Exception(message);
}
