namespace Bard.Data.Assembly;

/// <summary>
/// How a budgeted sample becomes a chat conversation for TRL, LLaMA-Factory or OpenRLHF: the budget is stated
/// in the user turn, the thinking goes inside &lt;think&gt;…&lt;/think&gt; at the start of the assistant turn.
/// </summary>
public sealed record ChatExportOptions
{
    /// <summary>User turn; <c>{question}</c> and <c>{budget}</c> are replaced. Default: the question, a blank line, then "Think for at most {budget} tokens."</summary>
    public string PromptTemplate { get; init; } = "{question}\n\nThink for at most {budget} tokens.";

    /// <summary>Optional system turn; null writes none. Default null.</summary>
    public string? SystemPrompt { get; init; }

    public ChatExportOptions Validate()
    {
        if (!PromptTemplate.Contains("{budget}", StringComparison.Ordinal) || !PromptTemplate.Contains("{question}", StringComparison.Ordinal))
            throw new BardException($"chat prompt template \"{PromptTemplate}\" must contain both {{question}} and {{budget}}: BARD's student reads its budget in the prompt.");
        return this;
    }
}
