using Bard.Serving;

namespace Bard.Cli;

/// <summary>The options the LLM backends of <c>bard teach</c> and <c>bard compress</c> share, and the endpoint they make.</summary>
internal static class EndpointCli
{
    public static IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--endpoint", "OpenAI-compatible API base URL (e.g. http://127.0.0.1:8000/v1): use an LLM instead of the task's programmatic one.") { ValueName = "URL" },
        new("--model", "Model name at --endpoint (required with it).") { ValueName = "NAME" },
        new("--api-key-env", "Environment variable holding the endpoint's API key (unset: no key).") { Default = "OPENAI_API_KEY", ValueName = "VAR" },
        new("--concurrency", "Requests in flight at once.") { Default = "8", ValueName = "N" },
        new("--max-attempts", "Tries per request on 429, 5xx, timeouts, malformed answers.") { Default = "5", ValueName = "N" },
        new("--timeout-s", "Seconds one try may take.") { Default = "600", ValueName = "S" },
        new("--backoff-s", "Seconds before the second try, doubled each further try (with jitter); a server's Retry-After wins.") { Default = "1", ValueName = "S" },
        new("--stream", "Ask for server-sent events (long generations through proxies).") { IsFlag = true },
    ];

    /// <summary>Whether --endpoint was given; checks at once (before any input is read) that --model came with it.</summary>
    public static bool Requested(ParsedOptions o)
    {
        if (!o.Has("--endpoint")) return false;
        if (!o.Has("--model")) throw new UsageException("--endpoint needs --model NAME (GET /v1/models on the server lists the names).");
        return true;
    }

    public static ChatEndpoint Create(ParsedOptions o)
    {
        string url = o.RequiredString("--endpoint");
        string model = o.String("--model") ?? throw new UsageException("--endpoint needs --model NAME (GET /v1/models on the server lists the names).");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) throw new UsageException($"--endpoint must be an absolute URL such as http://127.0.0.1:8000/v1, got '{url}'.");
        string? key = o.String("--api-key-env") is { } name ? Environment.GetEnvironmentVariable(name) : null;
        return new ChatEndpoint(new ChatEndpointOptions
        {
            Endpoint = uri,
            Model = model,
            ApiKey = string.IsNullOrEmpty(key) ? null : key,
            MaxConcurrency = o.Int("--concurrency"),
            MaxAttempts = o.Int("--max-attempts"),
            Timeout = TimeSpan.FromSeconds(o.Double("--timeout-s")),
            Stream = o.Flag("--stream"),
            InitialBackoff = TimeSpan.FromSeconds(o.Double("--backoff-s")),
        });
    }

    /// <summary>One line on tokens and retries for the run summary.</summary>
    public static string Cost(ChatEndpoint endpoint)
    {
        var u = endpoint.TotalUsage;
        var (requests, retries) = endpoint.Counts;
        return $"{requests} requests, {retries} retries; tokens: {u.PromptTokens} prompt, {u.CompletionTokens} completion ({u.ReasoningTokens} reasoning)";
    }

    /// <summary>
    /// Runs <paramref name="work"/> over <paramref name="items"/> with at most <paramref name="concurrency"/> at once. The
    /// first endpoint failure stops the run: the work in flight is cancelled and a <see cref="BardException"/> says what
    /// failed and that a re-run resumes (what was written stays written).
    /// </summary>
    public static void RunAll<T>(IReadOnlyList<T> items, int concurrency, CancellationToken cancel, Func<T, CancellationToken, Task> work, Func<string> resumeHint)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        EndpointException? failure = null;
        try
        {
            Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = stop.Token }, async (item, ct) =>
            {
                try { await work(item, ct); }
                catch (EndpointException e)
                {
                    Interlocked.CompareExchange(ref failure, e, null);
                    stop.Cancel();
                }
            }).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (failure is not null && !cancel.IsCancellationRequested) { }
        if (failure is not null) throw new BardException($"{failure.Message}. {resumeHint()}");
    }
}
