namespace Bard.Serving;

/// <summary>
/// Settings of <see cref="ChatServer"/> (<c>bard serve</c>). Immutable; <see cref="Validate"/> names the bad field.
/// Request limits are enforced per request with OpenAI-style 4xx errors; capacity limits with 503 and Retry-After.
/// </summary>
public sealed record ServeOptions
{
    /// <summary>Address to bind. Default 127.0.0.1 (loopback only); bind 0.0.0.0 only behind an API key and a firewall.</summary>
    public string Host { get; init; } = "127.0.0.1";
    /// <summary>TCP port; 0 picks a free one (<see cref="ChatServer.Port"/> reports it). Default 8000.</summary>
    public int Port { get; init; } = 8000;
    /// <summary>When set, every request must send <c>Authorization: Bearer KEY</c>; compared in constant time and never logged. Default none (open).</summary>
    public string? ApiKey { get; init; }
    /// <summary>The model name <c>/v1/models</c> lists and requests must name. Required.</summary>
    public required string ModelName { get; init; }
    /// <summary>Most rows (requests × n) generated together in one batch. Default 8.</summary>
    public int MaxBatchRows { get; init; } = 8;
    /// <summary>Most requests waiting for a batch; more get 503 with Retry-After. Default 64.</summary>
    public int MaxQueuedRequests { get; init; } = 64;
    /// <summary>How long the batcher waits after the first queued request for others to join its batch. Default 5 ms.</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromMilliseconds(5);
    /// <summary>Largest request body accepted, in bytes; larger ones get 413. Default 1 MiB.</summary>
    public long MaxBodyBytes { get; init; } = 1 << 20;
    /// <summary><c>max_tokens</c> when a request leaves it out. Default 256.</summary>
    public int DefaultMaxTokens { get; init; } = 256;
    /// <summary>Largest <c>n</c> accepted. Default 8.</summary>
    public int MaxChoices { get; init; } = 8;
    /// <summary>Largest <c>thinking_budget</c> accepted, in tokens; null means the model's context length. Default null.</summary>
    public int? MaxThinkingBudget { get; init; }
    /// <summary>Defaults of the thinking control: how <c>thinking_budget</c> is applied when a request does not say, and the budgets of effort levels.</summary>
    public ThinkingDefaults Thinking { get; init; } = ThinkingDefaults.Default;
    /// <summary>Longest a request may take end to end, reading its body included, before it is cancelled (408 while its body is still arriving, 504 after). Default 10 minutes.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Throws <see cref="BardException"/> naming the first invalid field; returns this.</summary>
    public ServeOptions Validate()
    {
        static void Require(bool ok, string field, string rule) { if (!ok) throw new BardException($"ServeOptions.{field} {rule}."); }
        Require(!string.IsNullOrWhiteSpace(Host), nameof(Host), "must be an address such as 127.0.0.1");
        Require(Port is >= 0 and <= 65535, nameof(Port), $"must be in 0..65535 (0 = any free port), got {Port}");
        Require(ApiKey is null || !string.IsNullOrWhiteSpace(ApiKey), nameof(ApiKey), "must be non-empty and not only whitespace when set (no client could send it); leave it out for an open server");
        Require(!string.IsNullOrWhiteSpace(ModelName), nameof(ModelName), "must be a non-empty name");
        Require(MaxBatchRows >= 1, nameof(MaxBatchRows), $"must be ≥ 1, got {MaxBatchRows}");
        Require(MaxQueuedRequests >= 1, nameof(MaxQueuedRequests), $"must be ≥ 1, got {MaxQueuedRequests}");
        Require(BatchWindow >= TimeSpan.Zero, nameof(BatchWindow), "must be ≥ 0");
        Require(MaxBodyBytes >= 1024, nameof(MaxBodyBytes), $"must be ≥ 1024 bytes, got {MaxBodyBytes}");
        Require(DefaultMaxTokens >= 1, nameof(DefaultMaxTokens), $"must be ≥ 1, got {DefaultMaxTokens}");
        Require(MaxChoices >= 1, nameof(MaxChoices), $"must be ≥ 1, got {MaxChoices}");
        Require(MaxThinkingBudget is null or >= 1, nameof(MaxThinkingBudget), "must be ≥ 1 when set");
        Require(Thinking is not null && Thinking.EffortBudgets.Values.All(b => b >= 0), nameof(Thinking), "must be set, with effort budgets ≥ 0");
        Require(RequestTimeout > TimeSpan.Zero && RequestTimeout.TotalMilliseconds < uint.MaxValue - 1, nameof(RequestTimeout), "must be positive and under 49 days (a timer's range)");
        return this;
    }
}
