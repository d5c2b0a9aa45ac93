using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Bard.Serving;

/// <summary>
/// <c>bard reward-serve</c>: the BARD reward behind OpenRLHF's remote reward model protocol.
/// <c>POST /get_reward</c> with <c>{"query":[prompt+response,…],"prompts":[…],"labels":[gold,…]}</c> answers
/// <c>{"rewards":[…],"scores":[…],"extra_logs":{…}}</c> (scores equal rewards; extra_logs holds correctness, fidelity,
/// thinking tokens and budget per sample, which OpenRLHF logs). An optional <c>"budgets":[b,…]</c> gives each sample's
/// budget instead of the one stated in its prompt. Malformed bodies and rejected samples get 400 with an OpenAI-style
/// error naming the sample, and each rejection is logged (<see cref="Log"/>) with its reason: a trainer that turns a 400
/// into a missing reward leaves a trace here.
/// </summary>
public sealed class RewardServer : IAsyncDisposable
{
    readonly WebApplication app;
    readonly BudgetRewardScorer scorer;
    readonly RewardServeOptions options;
    readonly TimeProvider clock;

    RewardServer(WebApplication app, BudgetRewardScorer scorer, RewardServeOptions options, TimeProvider clock) =>
        (this.app, this.scorer, this.options, this.clock) = (app, scorer, options, clock);

    /// <summary>Where rejected requests are reported, one line each (the CLI passes its console). Default: nowhere.</summary>
    public Action<string>? Log { get; set; }

    /// <summary>The port it listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The reward URL to give OpenRLHF's <c>--remote_rm_url</c>.</summary>
    public Uri RewardUrl => new($"http://{(options.Host.Contains(':') ? $"[{options.Host}]" : options.Host)}:{Port}/get_reward");

    /// <summary>Starts serving <paramref name="scorer"/>; <paramref name="clock"/> times <see cref="RewardServeOptions.RequestTimeout"/> (tests pass a fake one).</summary>
    public static async Task<RewardServer> StartAsync(BudgetRewardScorer scorer, RewardServeOptions options, CancellationToken cancel = default, TimeProvider? clock = null)
    {
        options.Validate();
        var app = HttpPlumbing.Create(options.Host, options.Port, options.MaxBodyBytes);
        var server = new RewardServer(app, scorer, options, clock ?? TimeProvider.System);
        app.MapGet("/health", () => Results.Text("ok"));
        app.MapPost("/get_reward", context => HttpPlumbing.GuardAsync(context, () => server.RewardAsync(context)));
        var routes = new Dictionary<string, string> { ["/get_reward"] = "POST", ["/health"] = "GET" };
        app.MapFallback(context => HttpPlumbing.NoRouteAsync(context, routes));
        await app.StartAsync(cancel);
        server.Port = HttpPlumbing.BoundPort(app);
        return server;
    }

    async Task RewardAsync(HttpContext context)
    {
        if (!HttpPlumbing.Authorized(context, options.ApiKey)) throw HttpPlumbing.Unauthorized();
        using var expiry = new CancellationTokenSource(options.RequestTimeout, clock);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, expiry.Token);
        List<RemoteReward> scored;
        try { scored = Score(Parse(await HttpPlumbing.ReadBodyAsync(context, options.MaxBodyBytes, expiry.Token)), cancel.Token); }
        catch (OperationCanceledException) when (expiry.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            Log?.Invoke($"bard reward-serve: a request took longer than the limit ({options.RequestTimeout.TotalSeconds:F0} s, --request-timeout); answered 504.");
            throw HttpPlumbing.DeadlineExceeded(options.RequestTimeout);
        }
        catch (ApiErrorException e) when (e.Error.Status is 400 or 408 or 413)
        {
            Log?.Invoke($"bard reward-serve: rejected a request ({e.Error.Status}{(e.Error.Param is { } p ? $", {p}" : "")}): {e.Error.Message}");
            throw;
        }
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            Array(w, "rewards", scored.Select(s => s.Reward.Value));
            Array(w, "scores", scored.Select(s => s.Reward.Value));
            w.WriteStartObject("extra_logs");
            Array(w, "correctness", scored.Select(s => s.Reward.Correctness));
            Array(w, "fidelity", scored.Select(s => s.Reward.Fidelity));
            Array(w, "thinking_tokens", scored.Select(s => (double)s.ThinkingTokens));
            Array(w, "budget", scored.Select(s => (double)s.Budget));
            w.WriteEndObject();
            w.WriteEndObject();
        }
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    List<RemoteReward> Score((List<string> Queries, List<string> Prompts, List<string> Labels, List<int>? Budgets) request, CancellationToken aborted)
    {
        var (queries, prompts, labels, budgets) = request;
        var scored = new List<RemoteReward>(queries.Count);
        for (int i = 0; i < queries.Count; i++)
        {
            // A client that went away, or a request past its deadline, gets no more work done for it.
            aborted.ThrowIfCancellationRequested();
            if (labels[i].Length == 0)
                throw new ApiErrorException(ApiError.BadRequest($"sample {i}: the label (gold answer) is empty. OpenRLHF sends empty labels unless told "
                    + "which dataset field holds them: pass --data.label_key FIELD (OpenRLHF ≥ 0.10.2; --label_key before).", $"labels[{i}]"));
            int responseChars = queries[i].Length - prompts[i].Length;
            if (responseChars > options.MaxResponseChars)
                throw new ApiErrorException(new ApiError(413, $"sample {i}: the response is {responseChars:N0} characters (the query after "
                    + $"its prompt), more than this server scores ({options.MaxResponseChars:N0}, --max-response-chars).", "invalid_request_error", $"query[{i}]", "response_too_long"));
            try { scored.Add(scorer.Score(queries[i], prompts[i], labels[i], budgets?[i])); }
            catch (BardException e) { throw new ApiErrorException(ApiError.BadRequest($"sample {i}: {e.Message}", budgets is null ? $"prompts[{i}]" : $"budgets[{i}]")); }
        }
        return scored;
    }

    static void Array(Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    static (List<string> Queries, List<string> Prompts, List<string> Labels, List<int>? Budgets) Parse(byte[] body)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(body); }
        catch (JsonException e) { throw new ApiErrorException(ApiError.BadRequest($"the body is not valid JSON ({e.Message}); send {{\"query\":[...],\"prompts\":[...],\"labels\":[...]}}.")); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new ApiErrorException(ApiError.BadRequest("the body must be a JSON object {\"query\":[...],\"prompts\":[...],\"labels\":[...]}."));
            var queries = Strings(doc.RootElement, "query");
            var prompts = Strings(doc.RootElement, "prompts");
            var labels = Strings(doc.RootElement, "labels");
            if (prompts.Count != queries.Count || labels.Count != queries.Count)
                throw new ApiErrorException(ApiError.BadRequest($"'query', 'prompts' and 'labels' must have one entry per sample; got {queries.Count}, {prompts.Count} and {labels.Count}.", "labels"));
            List<int>? budgets = null;
            if (doc.RootElement.TryGetProperty("budgets", out var ba) && ba.ValueKind != JsonValueKind.Null)
            {
                if (ba.ValueKind != JsonValueKind.Array) throw new ApiErrorException(ApiError.BadRequest("'budgets' must be an array of positive integers, one per sample.", "budgets"));
                budgets = [];
                int i = 0;
                foreach (var e in ba.EnumerateArray())
                {
                    if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out int b) || b <= 0)
                        throw new ApiErrorException(ApiError.BadRequest($"'budgets[{i}]' must be a positive integer number of tokens, got {e.GetRawText()}.", $"budgets[{i}]"));
                    budgets.Add(b);
                    i++;
                }
                if (budgets.Count != queries.Count)
                    throw new ApiErrorException(ApiError.BadRequest($"'budgets' must have one entry per sample; got {budgets.Count} for {queries.Count} samples.", "budgets"));
            }
            return (queries, prompts, labels, budgets);
        }
    }

    static List<string> Strings(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var a) || a.ValueKind != JsonValueKind.Array)
            throw new ApiErrorException(ApiError.BadRequest($"'{name}' must be an array of strings (OpenRLHF sends query, prompts and labels; pass --label_key to OpenRLHF so labels are sent).", name));
        var list = new List<string>();
        int i = 0;
        foreach (var e in a.EnumerateArray())
        {
            // Labels may be numbers in some datasets; take their JSON text.
            list.Add(e.ValueKind switch
            {
                JsonValueKind.String => e.GetString()!,
                JsonValueKind.Number => e.GetRawText(),
                _ => throw new ApiErrorException(ApiError.BadRequest($"'{name}[{i}]' must be a string.", $"{name}[{i}]")),
            });
            i++;
        }
        return list;
    }

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await app.StopAsync(grace.Token); } catch (OperationCanceledException) { }
        await app.DisposeAsync();
    }
}
