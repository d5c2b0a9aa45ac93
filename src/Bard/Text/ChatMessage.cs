namespace Bard.Text;

/// <summary>The role of a chat turn, as chat templates spell it.</summary>
public enum ChatRole
{
    /// <summary>"system": instructions before the conversation.</summary>
    System,
    /// <summary>"user": the question (where a thinking budget is stated, see <see cref="BudgetPromptFormat"/>).</summary>
    User,
    /// <summary>"assistant": the model's turn, thinking included.</summary>
    Assistant,
}

/// <summary>
/// One turn of a conversation. <see cref="Content"/> of an assistant turn may hold a
/// <c>&lt;think&gt;…&lt;/think&gt;</c> block; <see cref="ReasoningContent"/> is the alternative transformers
/// supports (thinking kept apart), passed to the template as <c>reasoning_content</c> only when set.
/// </summary>
public sealed record ChatMessage(ChatRole Role, string Content)
{
    /// <summary>Thinking held apart from <see cref="Content"/> (the template writes it in think tags); null when absent.</summary>
    public string? ReasoningContent { get; init; }

    /// <summary>The role as templates see it: "system", "user" or "assistant".</summary>
    public string RoleName => Role switch { ChatRole.System => "system", ChatRole.User => "user", _ => "assistant" };

    /// <summary>A system turn.</summary>
    public static ChatMessage System(string content) => new(ChatRole.System, content);
    /// <summary>A user turn.</summary>
    public static ChatMessage User(string content) => new(ChatRole.User, content);
    /// <summary>An assistant turn.</summary>
    public static ChatMessage Assistant(string content) => new(ChatRole.Assistant, content);

    /// <summary>Parses a role name ("system", "user", "assistant"); throws <see cref="BardException"/> for others.</summary>
    public static ChatRole ParseRole(string role) => role switch
    {
        "system" => ChatRole.System,
        "user" => ChatRole.User,
        "assistant" => ChatRole.Assistant,
        _ => throw new BardException($"unknown chat role '{role}': use system, user or assistant."),
    };
}
