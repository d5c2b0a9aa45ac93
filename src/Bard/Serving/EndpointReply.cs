namespace Bard.Serving;

/// <summary>What <see cref="ChatEndpoint.CompleteAsync"/> returns: the choices, the usage the server reported, and the tries it took.</summary>
public sealed record EndpointReply(IReadOnlyList<EndpointChoice> Choices, ChatUsage Usage, int Attempts);
