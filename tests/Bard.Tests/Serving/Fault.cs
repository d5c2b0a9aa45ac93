namespace Bard.Tests.Serving;

/// <summary>What the fault server does with one request.</summary>
public enum Fault
{
    /// <summary>Answers normally (with the test's answer function).</summary>
    None,
    /// <summary>429 with Retry-After: 1.</summary>
    RateLimited,
    /// <summary>503 with Retry-After as an HTTP date 3 s ahead.</summary>
    RetryAfterDate,
    /// <summary>500 with an error body.</summary>
    ServerError,
    /// <summary>Never answers (until the client gives up).</summary>
    Hang,
    /// <summary>200 with a body that is not JSON.</summary>
    MalformedJson,
    /// <summary>200 streaming a first chunk, then the connection is cut.</summary>
    CutStream,
    /// <summary>401, a permanent refusal.</summary>
    Unauthorized,
}
