using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bard.Serving;

/// <summary>What Bard's two HTTP servers share: a quiet Kestrel on one address, bounded bodies, OpenAI-style errors, API keys.</summary>
internal static class HttpPlumbing
{
    /// <summary>A Kestrel app bound to <paramref name="host"/>:<paramref name="port"/> (0 = any free port), without logging or console lifetime.</summary>
    public static WebApplication Create(string host, int port, long maxBodyBytes)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        // No appsettings.json or ASPNETCORE_* variables: they could add Kestrel endpoints beyond the one asked for.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders(); // request bodies and keys are never logged: nothing is
        // The CLI owns SIGINT/SIGTERM (it stops the server); tests host several servers in one process.
        builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = maxBodyBytes;
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(30);
            var address = host is "localhost" ? IPAddress.Loopback
                : IPAddress.TryParse(host, out var ip) ? ip
                : throw new BardException($"--host '{host}' is not an IP address; use 127.0.0.1, ::1 or 0.0.0.0.");
            k.Listen(address, port);
        });
        return builder.Build();
    }

    /// <summary>The port the app listens on, once started.</summary>
    public static int BoundPort(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First()).Port;
    }

    /// <summary>
    /// Reads the whole body, refusing more than <paramref name="max"/> bytes with 413. A body that has not arrived when
    /// <paramref name="deadline"/> fires, or arrives more slowly than Kestrel's minimum data rate (240 bytes/s after a
    /// 5 s grace), gets 408; another malformed body (a broken chunked encoding) gets 400 — never a 500.
    /// </summary>
    public static async Task<byte[]> ReadBodyAsync(HttpContext context, long max, CancellationToken deadline = default)
    {
        if (context.Request.ContentLength > max) throw TooLarge(max);
        using var ms = new MemoryStream();
        var buffer = new byte[16384];
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, deadline);
        try
        {
            int n;
            while ((n = await context.Request.Body.ReadAsync(buffer, cancel.Token)) > 0)
            {
                if (ms.Length + n > max) throw TooLarge(max);
                ms.Write(buffer, 0, n);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413) { throw TooLarge(max); }
        catch (BadHttpRequestException e) when (e.StatusCode == 408)
        {
            throw new ApiErrorException(new ApiError(408, "the request body arrived too slowly (under the server's minimum rate of 240 bytes/s) and the "
                + "server stopped waiting for it; send the whole body at once.", "invalid_request_error", null, "request_timeout"));
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own words about the framing (no internals): "Unexpected end of request content" and the like.
            throw new ApiErrorException(new ApiError(e.StatusCode is >= 400 and < 500 ? e.StatusCode : 400, $"the request body could not be read: {e.Message}",
                "invalid_request_error", null, "bad_request_body"));
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            throw new ApiErrorException(new ApiError(408, "the request body did not arrive within the server's time limit for a request (--request-timeout); "
                + "send the whole body at once.", "invalid_request_error", null, "request_timeout"));
        }
        return ms.ToArray();
    }

    /// <summary>The 504 of a request that outlived the server's limit (<c>--request-timeout</c>).</summary>
    public static ApiErrorException DeadlineExceeded(TimeSpan limit) =>
        new(new ApiError(504, $"the request took longer than the server's limit ({limit.TotalSeconds:F0} s, --request-timeout).", "server_error", null, "timeout"));

    static ApiErrorException TooLarge(long max) =>
        new(new ApiError(413, $"the request body is larger than this server accepts ({max} bytes, --max-body-bytes).", "invalid_request_error", null, "request_too_large"));

    /// <summary>Writes an OpenAI-style error, unless the response has started (then the connection is aborted).</summary>
    public static async Task WriteErrorAsync(HttpContext context, ApiError error)
    {
        if (context.Response.HasStarted) { context.Abort(); return; }
        context.Response.StatusCode = error.Status;
        context.Response.ContentType = "application/json";
        if (error.Status is 503 or 429) context.Response.Headers.RetryAfter = "1";
        if (error.Status == 408) context.Response.Headers.Connection = "close"; // the unread rest of the body cannot be skipped
        await context.Response.WriteAsync(error.ToJson(), CancellationToken.None);
    }

    /// <summary>Answers a request no endpoint took: 405 (with Allow) for a known path and the wrong method, else 404.</summary>
    public static Task NoRouteAsync(HttpContext context, IReadOnlyDictionary<string, string> routes)
    {
        string path = context.Request.Path.Value ?? "";
        string list = string.Join(", ", routes.Select(r => $"{r.Value} {r.Key}"));
        if (routes.TryGetValue(path.TrimEnd('/'), out var method))
        {
            context.Response.Headers.Allow = method;
            return WriteErrorAsync(context, new ApiError(405, $"{context.Request.Method} is not allowed on {path}; use {method}.", "invalid_request_error", null, "method_not_allowed"));
        }
        return WriteErrorAsync(context, new ApiError(404, $"no route {context.Request.Method} {path}; this server has {list}.", "not_found_error", null, "unknown_url"));
    }

    /// <summary>Whether the request carries <c>Authorization: Bearer {key}</c>; compared in constant time (over hashes, so lengths leak nothing either).</summary>
    public static bool Authorized(HttpContext context, string? key)
    {
        if (key is null) return true;
        string header = context.Request.Headers.Authorization.ToString();
        string given = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..].Trim() : "";
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>The 401 both servers answer to a missing or wrong key.</summary>
    public static ApiErrorException Unauthorized() =>
        new(new ApiError(401, "missing or incorrect API key: send 'Authorization: Bearer KEY' with the server's key.", "authentication_error", null, "invalid_api_key"));

    /// <summary>Runs <paramref name="handle"/>, turning every failure into an error response: the server never dies on a request.</summary>
    public static async Task GuardAsync(HttpContext context, Func<Task> handle)
    {
        try { await handle(); }
        catch (ApiErrorException e) { await WriteErrorAsync(context, e.Error); }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested) { } // the client left
        catch (Exception e) when (IsInvalidText(e))
        {
            await WriteErrorAsync(context, ApiError.BadRequest("the body holds text that is not valid Unicode (invalid UTF-8 bytes, or a lone "
                + "surrogate escape such as \\ud800); send UTF-8 JSON with valid strings."));
        }
        catch (Exception e)
        {
            // The client gets no internals (messages of native code carry stack traces and install paths); the operator's
            // terminal gets the whole exception.
            Console.Error.WriteLine($"bard: internal error answering {context.Request.Method} {context.Request.Path}: {e}");
            await WriteErrorAsync(context, new ApiError(500, $"internal error ({e.GetType().Name}); this is a bug in Bard, reported on the server's console. "
                + "Retrying the same request will likely fail the same way.", "server_error"));
        }
    }

    /// <summary>System.Text.Json's and the encoders' complaints about invalid UTF-8 or UTF-16 in the request.</summary>
    static bool IsInvalidText(Exception e) => e switch
    {
        DecoderFallbackException or EncoderFallbackException => true,
        InvalidOperationException when e.Message.Contains("surrogate", StringComparison.OrdinalIgnoreCase)
            || e.Message.Contains("UTF-8", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("UTF-16", StringComparison.OrdinalIgnoreCase) => true,
        ArgumentException when e.Message.Contains("surrogate", StringComparison.OrdinalIgnoreCase) => true,
        _ => e.InnerException is { } inner && IsInvalidText(inner),
    };

    /// <summary>A host lifetime that does nothing: starting and stopping are the caller's.</summary>
    sealed class QuietLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
