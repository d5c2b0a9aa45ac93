namespace Bard.Serving;

/// <summary>How <c>bard serve</c> applies a request's <c>thinking_budget</c> (the request field <c>budget_enforcement</c>).</summary>
public enum BudgetEnforcement
{
    /// <summary>"prompt" (default): the budget is stated in the last user turn through <see cref="Bard.Text.BudgetPromptFormat"/>; the model is trusted to keep it (what BARD trains for).</summary>
    Prompt,
    /// <summary>"force": stated in the prompt and, in addition, &lt;/think&gt; is forced once the thinking reaches the budget (<see cref="Bard.Inference.BudgetForcing"/>).</summary>
    Force,
}
