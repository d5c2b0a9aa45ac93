namespace Bard.Inference;

/// <summary>
/// Budget forcing (truncation), the baseline BARD is compared with: the model thinks freely until its
/// thinking reaches the budget b, then the closing delimiter is forced and the model may answer within a
/// small allowance of tokens. Token ids only. The thinking length is Bard's one L
/// (<see cref="Bard.Text.BudgetPromptFormat.ThinkingText"/>: the thinking as written, without the layout
/// newlines after &lt;think&gt; and before &lt;/think&gt;): given the newline's id, a leading newline is not
/// counted and the forced close is written as newline + &lt;/think&gt;, so a forced trace measures exactly b.
/// </summary>
public sealed class BudgetForcing : IGenerationControl
{
    readonly int openId, closeId, answerAllowance;
    readonly int? newlineId;
    readonly IReadOnlyList<int> budgets;
    readonly bool startsInside;
    readonly HashSet<int> forced = [];

    /// <param name="openId">Id of the opening delimiter (&lt;think&gt;).</param>
    /// <param name="closeId">Id of the closing delimiter (&lt;/think&gt;), forced at the budget.</param>
    /// <param name="budgets">Thinking budget b of each row of the batch.</param>
    /// <param name="answerAllowance">Tokens allowed after the thinking closes before the sequence is cut.</param>
    /// <param name="promptEndsInsideThinking">True when the prompt itself opened the thinking block (the first generated token is thinking).</param>
    /// <param name="layoutNewlineId">Id of the single-token "\n" (<see cref="Bard.Text.BudgetPromptFormat.LayoutNewlineId"/>); null counts
    /// every token between the delimiters and closes with &lt;/think&gt; alone.</param>
    public BudgetForcing(int openId, int closeId, IReadOnlyList<int> budgets, int answerAllowance, bool promptEndsInsideThinking = false, int? layoutNewlineId = null)
    {
        if (budgets.Any(b => b < 0)) throw new BardException("a thinking budget must be ≥ 0.");
        if (answerAllowance < 1) throw new BardException($"the answer allowance must be at least 1 token, got {answerAllowance}.");
        (this.openId, this.closeId, this.budgets, this.answerAllowance, startsInside, newlineId) =
            (openId, closeId, budgets, answerAllowance, promptEndsInsideThinking, layoutNewlineId);
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
        int since = generated.Count - thinkStart;    // tokens since <think>
        int thought = since;                         // of those, thinking
        int budget = budgets[row];
        if (newlineId is int nl)
        {
            if (since > 0 && generated[thinkStart] == nl) thought--; // the layout newline after <think> is not thinking
            // The forced close is "\n</think>": once the budget is spent and that newline is out, close. (At b = 0 the one
            // newline is both layout newlines: "<think>\n</think>".)
            bool newlineLast = since > 0 && generated[^1] == nl;
            if (newlineLast && (thought > budget || (thought == budget && since == 1))) { forced.Add(row); return (closeId, false); }
        }
        if (sampled == closeId) return (sampled, false);
        if (thought >= budget) // the budget is spent: close now
        {
            forced.Add(row);
            return (newlineId ?? closeId, false);
        }
        return (sampled, false);
    }
}
