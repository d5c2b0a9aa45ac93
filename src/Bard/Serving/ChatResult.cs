namespace Bard.Serving;

/// <summary>What <see cref="ChatBatcher"/> returns for one request: its choices and its usage.</summary>
public sealed record ChatResult(IReadOnlyList<ChatChoice> Choices, ChatUsage Usage);
