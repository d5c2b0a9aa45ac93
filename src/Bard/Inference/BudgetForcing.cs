namespace Bard.Inference;

/// <summary>
/// Budget forcing (truncation), the baseline BARD is compared with: the model thinks freely until its
/// thinking reaches the budget b (tokens strictly between the thinking delimiters), then the closing
/// delimiter is forced and the model may answer within a small allowance of tokens. Token ids only.
/// </summary>
public sealed class BudgetForcing : IGenerationControl
{
    readonly int openId, closeId, answerAllowance;
    readonly IReadOnlyList<int> budgets;
    readonly bool startsInside;
    readonly HashSet<int> forced = [];

    /// <param name="openId">Id of the opening delimiter (&lt;think&gt;).</param>
    /// <param name="closeId">Id of the closing delimiter (&lt;/think&gt;), forced at the budget.</param>
    /// <param name="budgets">Thinking budget b of each row of the batch.</param>
    /// <param name="answerAllowance">Tokens allowed after the thinking closes before the sequence is cut.</param>
    /// <param name="promptEndsInsideThinking">True when the prompt itself opened the thinking block (the first generated token is thinking).</param>
    public BudgetForcing(int openId, int closeId, IReadOnlyList<int> budgets, int answerAllowance, bool promptEndsInsideThinking = false)
    {
        if (budgets.Any(b => b < 0)) throw new BardException("a thinking budget must be ≥ 0.");
        if (answerAllowance < 1) throw new BardException($"the answer allowance must be at least 1 token, got {answerAllowance}.");
        (this.openId, this.closeId, this.budgets, this.answerAllowance, startsInside) = (openId, closeId, budgets, answerAllowance, promptEndsInsideThinking);
    }

    /// <summary>Whether the closing delimiter of <paramref name="row"/> was forced (rather than written by the model).</summary>
    public bool WasForced(int row) => forced.Contains(row);

    public (int Token, bool Stop) Next(int row, IReadOnlyList<int> generated, int sampled)
    {
        // Where are we? Thinking starts after the first <think> (or at once), ends at the first </think>.
        int thinkStart = startsInside ? 0 : -1, closedAt = -1;
        for (int i = 0; i < generated.Count; i++)
        {
            if (thinkStart < 0 && generated[i] == openId) thinkStart = i + 1;
            else if (thinkStart >= 0 && generated[i] == closeId) { closedAt = i; break; }
        }
        if (closedAt >= 0)
        {
            // Answering: the allowance counts the tokens after </think>, this one included.
            int answered = generated.Count - closedAt;
            return (sampled, answered >= answerAllowance);
        }
        if (thinkStart < 0) return (sampled, false); // not thinking yet
        int thought = generated.Count - thinkStart;  // thinking tokens so far
        if (sampled == closeId) return (sampled, false);
        if (thought >= budgets[row]) { forced.Add(row); return (closeId, false); } // the budget is spent: close now
        return (sampled, false);
    }
}
