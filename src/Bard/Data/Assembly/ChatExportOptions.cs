using Bard.Text;

namespace Bard.Data.Assembly;

/// <summary>
/// How a budgeted sample becomes a chat conversation for TRL, LLaMA-Factory or OpenRLHF: the budget is stated
/// in the user turn and the thinking goes inside &lt;think&gt;…&lt;/think&gt; at the start of the assistant turn,
/// both exactly as <see cref="BudgetPromptFormat"/> (the one definition Bard trains, evaluates and serves with) says.
/// </summary>
public sealed record ChatExportOptions
{
    /// <summary>Budget line, its placement and the thinking delimiters. Default <see cref="BudgetPromptFormat.Default"/>.</summary>
    public BudgetPromptFormat Format { get; init; } = BudgetPromptFormat.Default;

    /// <summary>Optional system turn; null writes none. Default null.</summary>
    public string? SystemPrompt { get; init; }

    public ChatExportOptions Validate()
    {
        Format.Validate();
        return this;
    }
}
