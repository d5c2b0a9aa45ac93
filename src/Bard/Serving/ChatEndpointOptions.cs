namespace Bard.Serving;

/// <summary>
/// Where and how <see cref="ChatEndpoint"/> calls an OpenAI-compatible server (vLLM, SGLang, a hosted API, <c>bard serve</c>).
/// Immutable; <see cref="Validate"/> names the bad field.
/// </summary>
public sealed record ChatEndpointOptions
{
    /// <summary>Base URL of the API, e.g. <c>http://127.0.0.1:8000/v1</c>. Required.</summary>
    public required Uri Endpoint { get; init; }
    /// <summary>Model name sent with every request. Required.</summary>
    public required string Model { get; init; }
    /// <summary>API key sent as a bearer token; null sends a placeholder (local servers ignore it). Never logged.</summary>
    public string? ApiKey { get; init; }
    /// <summary>Most requests in flight at once. Default 8.</summary>
    public int MaxConcurrency { get; init; } = 8;
    /// <summary>Tries per request, the first included, before giving up on 429, 5xx, timeouts, broken connections and malformed answers. Default 5.</summary>
    public int MaxAttempts { get; init; } = 5;
    /// <summary>Longest one try may take, the whole streamed answer included. Default 10 minutes (long reasoning is slow).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>Backoff before the second try; doubled each further try, times a jitter factor in [0.5, 1.5). Default 1 s.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Cap of the exponential backoff. Default 60 s.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Cap on a server's Retry-After (honoured up to this). Default 10 minutes.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>Ask for server-sent events (keeps long generations alive through proxies; a stream cut midway is retried). Default false.</summary>
    public bool Stream { get; init; }
    /// <summary>Seed of the backoff jitter. Default 0.</summary>
    public int JitterSeed { get; init; }

    /// <summary>Throws <see cref="BardException"/> naming the first invalid field; returns this.</summary>
    public ChatEndpointOptions Validate()
    {
        static void Require(bool ok, string field, string rule) { if (!ok) throw new BardException($"ChatEndpointOptions.{field} {rule}."); }
        Require(Endpoint.IsAbsoluteUri && Endpoint.Scheme is "http" or "https", nameof(Endpoint), $"must be an absolute http(s) URL such as http://127.0.0.1:8000/v1, got '{Endpoint}'");
        Require(!string.IsNullOrWhiteSpace(Model), nameof(Model), "must name the served model (GET /v1/models lists them)");
        Require(MaxConcurrency >= 1, nameof(MaxConcurrency), $"must be ≥ 1, got {MaxConcurrency}");
        Require(MaxAttempts >= 1, nameof(MaxAttempts), $"must be ≥ 1, got {MaxAttempts}");
        Require(Timeout > TimeSpan.Zero, nameof(Timeout), "must be positive");
        Require(InitialBackoff >= TimeSpan.Zero && MaxBackoff >= InitialBackoff, nameof(InitialBackoff), "must be ≥ 0 and ≤ MaxBackoff");
        Require(MaxRetryAfter >= TimeSpan.Zero, nameof(MaxRetryAfter), "must be ≥ 0");
        return this;
    }
}
