namespace Bard.Serving;

/// <summary>
/// A chat request that failed for good: the server refused it (4xx other than 408/429), or every try failed.
/// The message says which, with the server's own error text; it never contains the API key.
/// </summary>
public sealed class EndpointException(string message, int? status, bool transient) : BardException(message)
{
    /// <summary>HTTP status of the last answer, or null when there was none (timeout, broken connection).</summary>
    public int? Status { get; } = status;
    /// <summary>True when the last failure was of a retryable kind (the tries ran out); false for a refusal.</summary>
    public bool Transient { get; } = transient;
}
