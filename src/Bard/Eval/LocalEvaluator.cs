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
    public static List<EvalSample> Run(CausalLM model, StudentChat chat, IReadOnlyList<Problem> problems,
        Func<Problem, string, bool> verify, EvalRunOptions options, Action<int>? onBatch = null, CancellationToken cancel = default)
    {
        options.Validate();
        if (options.Mode == EvalMode.Truncate && (chat.ThinkOpenId is null || chat.ThinkCloseId is null))
            throw new BardException("budget forcing needs the thinking delimiters to be single tokens of the student's tokenizer.");
        var generator = new TokenGenerator(model);
        var budgets = options.Mode == EvalMode.None ? new int?[] { null } : options.Budgets.Select(b => (int?)b).ToArray();
        var results = new List<EvalSample>();
        foreach (var budget in budgets)
        {
            foreach (var chunk in problems.Chunk(options.BatchSize))
            {
                cancel.ThrowIfCancellationRequested();
                var prompts = chunk.Select(p => (IReadOnlyList<int>)chat.Prompt(p.Question, options.Mode == EvalMode.Budget ? budget : null)).ToList();
                var control = options.Mode == EvalMode.Truncate
                    ? new BudgetForcing(chat.ThinkOpenId!.Value, chat.ThinkCloseId!.Value, chunk.Select(_ => budget!.Value).ToArray(), options.AnswerAllowance,
                        layoutNewlineId: chat.LayoutNewlineId)
                    : null;
                var generation = new GenerationOptions
                {
                    MaxNewTokens = options.CapFor(budget),
                    StopTokenIds = [chat.EndOfTurnId],
                    PadTokenId = model.Config.PadTokenId ?? 0,
                };
                var completions = generator.Generate(prompts, generation, cancel, control: control);
                for (int i = 0; i < chunk.Length; i++)
                {
                    var c = completions[i];
                    var (split, thinking) = chat.Read(c.Tokens);
                    bool forced = control?.WasForced(i) ?? false;
                    string? answer = split.Closed && split.Answer.Length > 0 ? split.Answer : null;
                    results.Add(new EvalSample(
                        options.Method, budget, chunk[i].Id,
                        Correct: answer is not null && verify(chunk[i], answer),
                        ThinkingTokens: thinking,
                        ClosedThinking: split.Closed && !forced,
                        AnswerTokens: split.Closed ? chat.Tokenizer.CountTokens(split.Answer) : 0,
                        ExtractedAnswer: answer,
                        Truncated: forced || (c.Finish == FinishReason.Length && !split.Closed))
                    {
                        Output = chat.Tokenizer.Decode(c.Tokens, skipSpecialTokens: false),
                    });
                }
                onBatch?.Invoke(results.Count);
            }
        }
        return results;
    }
}
