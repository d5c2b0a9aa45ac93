using System.Text.Json;

namespace Bard.Serving;

/// <summary>
/// An OpenAI-style error: the HTTP status and the body <c>{"error":{"message","type","param","code"}}</c>.
/// Thrown as <see cref="ApiErrorException"/> inside the servers and turned into the response there.
/// </summary>
/// <param name="Status">HTTP status (400, 401, 404, 413, 503, …).</param>
/// <param name="Message">What was wrong and how to fix it; never holds a secret.</param>
/// <param name="Type">OpenAI's error type: invalid_request_error, authentication_error, not_found_error, server_error, overloaded_error.</param>
/// <param name="Param">The request field at fault, or null.</param>
/// <param name="Code">A machine-readable code (model_not_found, context_length_exceeded, …), or null.</param>
public sealed record ApiError(int Status, string Message, string Type = "invalid_request_error", string? Param = null, string? Code = null)
{
    /// <summary>A 400 naming the field at fault.</summary>
    public static ApiError BadRequest(string message, string? param = null, string? code = null) => new(400, message, "invalid_request_error", param, code);

    /// <summary>The error as OpenAI's JSON body.</summary>
    public string ToJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("message", Message);
            w.WriteString("type", Type);
            if (Param is null) w.WriteNull("param"); else w.WriteString("param", Param);
            if (Code is null) w.WriteNull("code"); else w.WriteString("code", Code);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }
}
