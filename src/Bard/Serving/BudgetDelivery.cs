namespace Bard.Serving;

/// <summary>How <see cref="BudgetedEndpoint"/> gives a thinking budget to a served model.</summary>
public enum BudgetDelivery
{
    /// <summary>The client writes the budget line into the last user turn (<see cref="Bard.Text.BudgetPromptFormat"/>): works with any OpenAI-compatible server (vLLM, SGLang, hosted).</summary>
    Prompt,
    /// <summary>The request field <c>thinking_budget</c> (<c>bard serve</c>, which writes the same line server-side).</summary>
    Field,
    /// <summary><c>thinking_budget</c> with <c>budget_enforcement: "force"</c> (<c>bard serve</c>'s budget forcing).</summary>
    FieldForced,
}
