using Bard.Data;
using Bard.Inference;
using Bard.Model;
using Bard.Text;

namespace Bard.Eval;

/// <summary>
/// Evaluates a local checkpoint on problems at thinking budgets: prompts through the student's chat format
/// (with the budget line in mode Budget, without in Truncate and None), greedy batched generation (budget
/// forcing in mode Truncate), and the shared verifier on the answer after the thinking.
/// </summary>
public static class LocalEvaluator
{
    /// <summary>
    /// One <see cref="EvalSample"/> per (budget, problem) — per problem in mode None. <paramref name="onBatch"/>
    /// sees the number of samples done so far after every batch.
    /// </summary>
    /// <remarks>
    /// The context is checked before anything is generated: a prompt that alone fills the model's context
    /// (<see cref="ModelConfig.MaxPositionEmbeddings"/>) is refused, naming the problem; a prompt whose new-token cap
    /// would run past it gets the cap lowered to what fits (a row that reaches it is scored as truncated), and
    /// <paramref name="onWarning"/> hears about it once.
    /// </remarks>
    /// <exception cref="BardException">No problems, a prompt longer than the context, or mode Truncate without single-token delimiters.</exception>
    public static List<EvalSample> Run(CausalLM model, StudentChat chat, IReadOnlyList<Problem> problems,
        Func<Problem, string, bool> verify, EvalRunOptions options, Action<int>? onBatch = null, CancellationToken cancel = default,
        Action<string>? onWarning = null)
    {
        options.Validate();
        if (problems.Count == 0) throw new BardException("eval: there are no problems to evaluate; pass a problems file or benchmark with at least one.");
        if (options.Mode == EvalMode.Truncate && (chat.ThinkOpenId is null || chat.ThinkCloseId is null))
            throw new BardException("budget forcing needs the thinking delimiters to be single tokens of the student's tokenizer.");
        var generator = new TokenGenerator(model);
        var budgets = options.Mode == EvalMode.None ? new int?[] { null } : options.Budgets.Select(b => (int?)b).ToArray();
        // Every prompt before the first token is generated: a problem the context cannot hold fails the run now, not
        // after hours of the others.
        // A question far longer than any context could hold (no tokenizer writes a token of more than a few dozen characters)
        // is refused by its length, before the chat template renders or the tokenizer reads it.
        long maxChars = (long)model.Config.MaxPositionEmbeddings * MaxCharsPerToken;
        foreach (var p in problems)
            if (p.Question.Length > maxChars)
                throw new BardException($"eval: problem '{p.Id}': its question is {p.Question.Length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} characters, more than a context of "
                    + $"{model.Config.MaxPositionEmbeddings} tokens (max_position_embeddings) can hold. Fix: shorten or drop this problem.");
        var prompts = budgets.Select(b => problems.Select(p => chat.Prompt(p.Question, options.Mode == EvalMode.Budget ? b : null)).ToArray()).ToArray();
        var caps = CheckContext(model.Config.MaxPositionEmbeddings, problems, budgets, prompts, options, onWarning);
        var judge = Judge.For(chat, verify);
        var results = new List<EvalSample>();
        for (int bi = 0; bi < budgets.Length; bi++)
        {
            var budget = budgets[bi];
            for (int start = 0; start < problems.Count; start += options.BatchSize)
            {
                cancel.ThrowIfCancellationRequested();
                int count = Math.Min(options.BatchSize, problems.Count - start);
                var chunk = problems.Skip(start).Take(count).ToArray();
                var batch = prompts[bi].Skip(start).Take(count).Select(p => (IReadOnlyList<int>)p).ToList();
                var rowCaps = caps[bi].Skip(start).Take(count).ToArray();
                var forcing = options.Mode == EvalMode.Truncate
                    ? new BudgetForcing(chat.ThinkOpenId!.Value, chat.ThinkCloseId!.Value, chunk.Select(_ => budget!.Value).ToArray(), options.AnswerAllowance,
                        layoutNewlineId: chat.LayoutNewlineId)
                    : null;
                int cap = options.CapFor(budget);
                IGenerationControl? control = rowCaps.Any(c => c < cap) ? new RowCaps(rowCaps, forcing) : forcing;
                var generation = new GenerationOptions
                {
                    MaxNewTokens = rowCaps.Max(),
                    StopTokenIds = [chat.EndOfTurnId],
                    PadTokenId = model.Config.PadTokenId ?? 0,
                };
                var completions = generator.Generate(batch, generation, cancel, control: control);
                for (int i = 0; i < chunk.Length; i++)
                {
                    var c = completions[i];
                    var j = judge.OfIds(chunk[i], c.Tokens, chat.EndOfTurnId);
                    bool forced = forcing?.WasForced(i) ?? false;
                    results.Add(new EvalSample(
                        options.Method, budget, chunk[i].Id,
                        Correct: j.Correct,
                        ThinkingTokens: j.ThinkingTokens,
                        ClosedThinking: j.ThinkingClosed && !forced,
                        AnswerTokens: j.AnswerTokens,
                        ExtractedAnswer: j.Answer,
                        Truncated: forced || (c.Finish == FinishReason.Length && !j.ThinkingClosed))
                    {
                        Output = chat.Tokenizer.Decode(c.Tokens, skipSpecialTokens: false),
                    });
                }
                onBatch?.Invoke(results.Count);
            }
        }
        return results;
    }

    /// <summary>Characters one token can cover at the most, for the cheap length check before tokenizing (generous: real tokens are under 100).</summary>
    const int MaxCharsPerToken = 1024;

    /// <summary>
    /// The new-token cap of every (budget, problem): <see cref="EvalRunOptions.CapFor"/>, lowered to the context left after
    /// the prompt. Throws for a prompt that leaves no room; warns once when any cap is lowered.
    /// </summary>
    static int[][] CheckContext(int context, IReadOnlyList<Problem> problems, int?[] budgets, int[][][] prompts, EvalRunOptions options, Action<string>? onWarning)
    {
        var caps = new int[budgets.Length][];
        int lowered = 0;
        string? example = null;
        for (int bi = 0; bi < budgets.Length; bi++)
        {
            int cap = options.CapFor(budgets[bi]);
            caps[bi] = new int[problems.Count];
            for (int i = 0; i < problems.Count; i++)
            {
                int length = prompts[bi][i].Length;
                if (length >= context)
                    throw new BardException($"eval: problem '{problems[i].Id}': its prompt is {length} tokens{(budgets[bi] is { } b ? $" (budget {b})" : "")}, but the model's "
                        + $"context (max_position_embeddings in its config.json) is {context} tokens, so nothing can be generated. Fix: shorten or drop this problem, "
                        + "or evaluate a model with a longer context.");
                caps[bi][i] = Math.Min(cap, context - length);
                if (caps[bi][i] < cap && lowered++ == 0)
                    example = $"problem '{problems[i].Id}': {length} prompt tokens + a cap of {cap} new tokens, lowered to {caps[bi][i]}";
            }
        }
        if (lowered > 0)
            onWarning?.Invoke($"{lowered} of {budgets.Length * problems.Count} prompts plus their new-token cap (--max-new-tokens, or 2·b + 64 per budget) "
                + $"exceed the model's context of {context} tokens ({example}). Their cap is lowered to what fits (context − prompt); a completion that "
                + "reaches it is scored as truncated.");
        return caps;
    }

    /// <summary>Ends each row at its own cap (the context left after its prompt), then applies the budget forcing, if any.</summary>
    sealed class RowCaps(int[] caps, IGenerationControl? inner) : IGenerationControl
    {
        public (int Token, bool Stop) Next(int row, IReadOnlyList<int> generated, int sampled)
        {
            var (token, end) = inner?.Next(row, generated, sampled) ?? (sampled, false);
            return (token, end || generated.Count + 1 >= caps[row]);
        }
    }
}
