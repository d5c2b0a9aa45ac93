using Bard.Eval;
using Bard.Rl;
using Bard.Text;

namespace Bard.Serving;

/// <summary>
/// Scores a (prompt, response, gold answer) triple with the BARD reward (<see cref="Reward.Of(Eval.Judgement, int, RewardConfig)"/>):
/// the budget is read back from the prompt with <see cref="BudgetPromptFormat.FindBudget"/>, the thinking length is
/// measured in the student's tokenizer, correctness comes from an <see cref="IAnswerVerifier"/> on the answer part.
/// Pure text in, numbers out: the reward server is a thin HTTP layer over it. A remote scorer cannot see whether the
/// trainer cut the response at its length limit, so responses are scored as not truncated.
/// </summary>
public sealed class BudgetRewardScorer
{
    readonly RewardServeOptions options;
    readonly Judge judge;

    /// <param name="options">Reward settings, prompt format, trailing tokens.</param>
    /// <param name="tokenizer">The student's tokenizer (budgets are in its tokens).</param>
    /// <param name="verifier">Answer check (Bard.Eval's, shared with evaluation); default <see cref="MathVerifier"/>.</param>
    public BudgetRewardScorer(RewardServeOptions options, ITokenizer tokenizer, IAnswerVerifier? verifier = null)
    {
        this.options = options.Validate();
        judge = new Judge(options.Format, tokenizer, verifier ?? new MathVerifier());
    }

    /// <summary>The budget stated in a prompt (the rendered chat prompt or the bare user turn): <see cref="BudgetPromptFormat.FindBudget"/>. Null when it states none.</summary>
    public int? ReadBudget(string prompt) => options.Format.FindBudget(prompt);

    /// <summary>
    /// The response part of an OpenRLHF query (prompt + response, possibly behind left padding): the text after the
    /// prompt (the whole query when the prompt is not in it), end and padding tokens (and the whitespace between them)
    /// removed from its end. One pass backwards and one copy, however many padding tokens the trainer decoded.
    /// </summary>
    public string ResponseOf(string query, string prompt)
    {
        int at = prompt.Length == 0 ? -1 : query.IndexOf(prompt, StringComparison.Ordinal);
        int start = at >= 0 ? at + prompt.Length : 0, end = query.Length;
        while (true)
        {
            int e = end;
            while (e > start && char.IsWhiteSpace(query[e - 1])) e--;
            int cut = 0;
            var tokens = options.TrailingTokens;
            for (int i = 0; i < tokens.Count; i++) // an index, not foreach: no enumerator per removed token
                if (tokens[i] is { } t && t.Length > 0 && e - start >= t.Length && string.CompareOrdinal(query, e - t.Length, t, 0, t.Length) == 0) { cut = t.Length; break; }
            if (cut == 0) break;
            // Whitespace before the token stays unless another token is removed before it, as a trainer's decode left it.
            end = e - cut;
        }
        return query[start..end];
    }

    /// <summary>
    /// Scores one response; throws <see cref="BardException"/> when the prompt states no positive budget.
    /// <paramref name="budgetOverride"/>, when given (the request's <c>budgets</c> array), is the budget instead of the one in the prompt.
    /// </summary>
    public RemoteReward Score(string query, string prompt, string gold, int? budgetOverride = null)
    {
        int budget = budgetOverride ?? ReadBudget(prompt) ?? throw new BardException(
            $"the prompt states no thinking budget (expected a line like '{options.Format.BudgetLine(128)}'); build the RL prompts with 'bard data build --export rl', or send the budgets in a 'budgets' array.");
        if (budget <= 0) throw new BardException($"the prompt states a thinking budget of {budget}; the BARD reward needs a positive budget.");
        string response = ResponseOf(query, prompt);
        var j = judge.OfText(new Data.Problem("", "", gold), response); // the judgement RL and evaluation make
        var reward = Reward.Of(j, budget, options.Reward);
        return new RemoteReward(reward, budget, j.ThinkingTokens, response);
    }
}
