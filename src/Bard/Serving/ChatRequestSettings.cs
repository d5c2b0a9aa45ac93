namespace Bard.Serving;

/// <summary>Sampling settings of one <see cref="ChatEndpoint.CompleteAsync"/> call; null fields are left to the server.</summary>
public sealed record ChatRequestSettings
{
    /// <summary><c>max_tokens</c>. Default null (server's default).</summary>
    public int? MaxTokens { get; init; }
    /// <summary><c>temperature</c>. Default null.</summary>
    public double? Temperature { get; init; }
    /// <summary><c>top_p</c>. Default null.</summary>
    public double? TopP { get; init; }
    /// <summary><c>seed</c>. Default null.</summary>
    public long? Seed { get; init; }
    /// <summary><c>stop</c> strings. Default none.</summary>
    public IReadOnlyList<string> Stop { get; init; } = [];
    /// <summary><c>n</c>: choices to draw. Default 1.</summary>
    public int N { get; init; } = 1;
    /// <summary><c>thinking_budget</c> (sent only when set: servers other than <c>bard serve</c> may refuse unknown fields). Default null.</summary>
    public int? ThinkingBudget { get; init; }
    /// <summary><c>budget_enforcement</c> (sent only when set). Default null.</summary>
    public BudgetEnforcement? Enforcement { get; init; }
}
