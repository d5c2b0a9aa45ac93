using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bard.Tests.Serving;

/// <summary>
/// A fake OpenAI-compatible chat endpoint on loopback for client tests: request k gets <c>faults[k]</c> (then
/// <see cref="Fault.None"/>), and a normal answer is made by <c>answer(requestJson)</c> → (reasoning, content).
/// Serves JSON or, when the request asks for <c>stream</c>, server-sent events. Records every request body.
/// </summary>
public sealed class FaultServer : IAsyncDisposable
{
    readonly WebApplication app;
    readonly List<Fault> faults;
    readonly Func<JsonElement, (string Reasoning, string Content)> answer;
    readonly List<string> bodies = [];
    readonly object gate = new();
    readonly TimeProvider time;

    readonly string shape;

    FaultServer(WebApplication app, IEnumerable<Fault> faults, Func<JsonElement, (string, string)> answer, TimeProvider time, string shape) =>
        (this.app, this.faults, this.answer, this.time, this.shape) = (app, faults.ToList(), answer, time, shape);

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Request bodies received, in order.</summary>
    public IReadOnlyList<string> Bodies { get { lock (gate) return bodies.ToList(); } }

    /// <param name="time">The clock of Retry-After dates (share the client's fake clock to make them exact).</param>
    /// <param name="shape">The reply's dialect: "openai" (reasoning_content, completion_tokens_details.reasoning_tokens), "vllm"
    /// (message.reasoning / delta.reasoning only) or "sglang" (reasoning_content, a top-level usage.reasoning_tokens).</param>
    public static async Task<FaultServer> StartAsync(IEnumerable<Fault> faults, Func<JsonElement, (string Reasoning, string Content)> answer, TimeProvider? time = null, string shape = "openai")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FaultServer(app, faults, answer, time ?? TimeProvider.System, shape);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        await app.StartAsync();
        server.BaseUrl = new Uri(app.Urls.First().Replace("0.0.0.0", "127.0.0.1") + "/v1");
        return server;
    }

    async Task HandleAsync(HttpContext context)
    {
        string body = await new StreamReader(context.Request.Body).ReadToEndAsync();
        Fault fault;
        lock (gate)
        {
            fault = bodies.Count < faults.Count ? faults[bodies.Count] : Fault.None;
            bodies.Add(body);
        }
        using var doc = JsonDocument.Parse(body);
        bool stream = doc.RootElement.TryGetProperty("stream", out var s) && s.GetBoolean();
        switch (fault)
        {
            case Fault.RateLimited:
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "1";
                await context.Response.WriteAsync("{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit\"}}");
                return;
            case Fault.RetryAfterDate:
                context.Response.StatusCode = 503;
                context.Response.Headers.RetryAfter = time.GetUtcNow().AddSeconds(3).ToString("R");
                await context.Response.WriteAsync("{\"error\":{\"message\":\"overloaded\"}}");
                return;
            case Fault.ServerError:
                context.Response.StatusCode = 500;
                await context.Response.WriteAsync("{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}");
                return;
            case Fault.Unauthorized:
                context.Response.StatusCode = 401;
                await context.Response.WriteAsync("{\"error\":{\"message\":\"bad key\",\"type\":\"authentication_error\"}}");
                return;
            case Fault.Hang:
                try { await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted); } catch (OperationCanceledException) { }
                return;
            case Fault.MalformedJson:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"choices\":[{\"index\":0,\"message\":{\"content\":\"trunc");
                return;
        }
        var (reasoning, content) = answer(doc.RootElement);
        if (stream || fault == Fault.CutStream)
        {
            context.Response.ContentType = "text/event-stream";
            await Event(context, new { choices = new[] { new { index = 0, delta = Reasoning(new Dictionary<string, object> { ["role"] = "assistant" }, reasoning) } } });
            if (fault == Fault.CutStream) { await context.Response.Body.FlushAsync(); context.Abort(); return; }
            await Event(context, new { choices = new[] { new { index = 0, delta = new { content } } } });
            await Event(context, new { choices = new[] { new { index = 0, delta = new { }, finish_reason = "stop" } } });
            await Event(context, new { choices = Array.Empty<object>(), usage = Usage(reasoning, content) });
            await context.Response.WriteAsync("data: [DONE]\n\n");
            return;
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            id = "x", @object = "chat.completion",
            choices = new[] { new { index = 0, message = Reasoning(new Dictionary<string, object> { ["role"] = "assistant", ["content"] = content }, reasoning), finish_reason = "stop" } },
            usage = Usage(reasoning, content),
        }));
    }

    Dictionary<string, object> Reasoning(Dictionary<string, object> o, string reasoning)
    {
        o[shape == "vllm" ? "reasoning" : "reasoning_content"] = reasoning;
        return o;
    }

    object Usage(string reasoning, string content) => shape == "sglang"
        ? new { prompt_tokens = 10, completion_tokens = reasoning.Length + content.Length, total_tokens = 10 + reasoning.Length + content.Length, reasoning_tokens = reasoning.Length }
        : new
        {
            prompt_tokens = 10, completion_tokens = reasoning.Length + content.Length,
            total_tokens = 10 + reasoning.Length + content.Length, completion_tokens_details = (object)new { reasoning_tokens = reasoning.Length },
        };

    static async Task Event(HttpContext context, object chunk)
    {
        await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(chunk) + "\n\n");
        await context.Response.Body.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
