namespace Bard.Serving;

/// <summary>Carries an <see cref="ApiError"/> from request handling to the response writer of a server.</summary>
public sealed class ApiErrorException(ApiError error) : Exception(error.Message)
{
    /// <summary>The error to answer with.</summary>
    public ApiError Error { get; } = error;
}
