using Bard.Data;
using Bard.Text;

namespace Bard.Eval;

/// <summary>What one completion amounts to, as RL's reward, local and endpoint evaluation and the reward server all see it.</summary>
/// <param name="Correct">The thinking closed, an answer followed it and the verifier accepted that answer.</param>
/// <param name="ThinkingClosed">The thinking block was closed (for a server that separates reasoning: as the server reported it).</param>
/// <param name="ThinkingTokens">L: the thinking as written, in the student's tokens (to the end of the output when it never closed).</param>
/// <param name="AnswerTokens">Tokens of the answer part (0 when the thinking never closed).</param>
/// <param name="Answer">The answer part, trimmed; null when the thinking never closed or nothing followed it.</param>
public sealed record Judgement(bool Correct, bool ThinkingClosed, int ThinkingTokens, int AnswerTokens = 0, string? Answer = null);

/// <summary>
/// Bard's one judgement of a completion, built from the prompt format (where the thinking ends), the student's tokenizer
/// (L is counted in its tokens: <see cref="BudgetPromptFormat.ThinkingText"/>) and the task's answer check. The rule:
/// a completion is correct when its thinking closed and the verifier accepts the answer part after the close tag; an
/// unclosed thinking is wrong however it ends, since no answer was given. Immutable and thread-safe.
/// </summary>
public sealed class Judge
{
    readonly BudgetPromptFormat format;
    readonly ITokenizer? tokenizer;
    readonly Func<Problem, string, bool> verify;

    /// <param name="format">Where the thinking starts and ends.</param>
    /// <param name="tokenizer">The student's tokenizer: budgets and L are in its tokens. Null only for judging server replies by their reported reasoning tokens (<see cref="OfParts"/>).</param>
    /// <param name="verify">Whether an answer part is right for a problem (a task verifier reads the question; a benchmark's checks the gold answer).</param>
    public Judge(BudgetPromptFormat format, ITokenizer? tokenizer, Func<Problem, string, bool> verify)
    {
        this.format = format;
        this.tokenizer = tokenizer;
        this.verify = verify;
    }

    /// <summary>A judge whose answer check is <paramref name="verifier"/> against the problem's gold answer.</summary>
    public Judge(BudgetPromptFormat format, ITokenizer? tokenizer, IAnswerVerifier verifier)
        : this(format, tokenizer, (problem, answer) => verifier.Check(answer, problem.Answer).Correct) { }

    /// <summary>A judge for a chat student: its format and tokenizer.</summary>
    public static Judge For(StudentChat chat, Func<Problem, string, bool> verify) => new(chat.Format, chat.Tokenizer, verify);

    /// <summary>Judges generated text (the thinking opener, when generated, included; the end-of-turn token not).</summary>
    public Judgement OfText(Problem problem, string output)
    {
        var split = format.Split(output);
        return Of(problem, split.Closed, split.Answer, Tokenizer.CountTokens(BudgetPromptFormat.ThinkingText(split)));
    }

    /// <summary>Judges generated ids: the text up to the first <paramref name="endOfTurnId"/> (all of it when there is none).</summary>
    public Judgement OfIds(Problem problem, IReadOnlyList<int> completion, int endOfTurnId)
    {
        int end = -1;
        for (int i = 0; i < completion.Count; i++) if (completion[i] == endOfTurnId) { end = i; break; }
        var body = end < 0 ? completion : completion.Take(end).ToList();
        return OfText(problem, Tokenizer.Decode(body));
    }

    ITokenizer Tokenizer => tokenizer ?? throw new InvalidOperationException("this judge has no tokenizer: it judges server replies only (OfParts).");

    /// <summary>
    /// Judges a reply whose reasoning a server has already separated from its content (OpenAI-style <c>reasoning_content</c>):
    /// L from <see cref="BudgetPromptFormat.CountReasoningTokens"/> in the student's tokens, or <paramref name="serverThinkingTokens"/>
    /// (the server's <c>reasoning_tokens</c>) for a judge without a tokenizer; the content is the answer part.
    /// </summary>
    public Judgement OfParts(Problem problem, string reasoning, bool thinkingClosed, string content, int serverThinkingTokens = -1) =>
        Of(problem, thinkingClosed, content,
            tokenizer is null ? serverThinkingTokens : BudgetPromptFormat.CountReasoningTokens(reasoning, thinkingClosed, tokenizer));

    Judgement Of(Problem problem, bool closed, string answerPart, int thinkingTokens)
    {
        string answer = answerPart.Trim();
        bool answered = closed && answer.Length > 0;
        return new Judgement(answered && verify(problem, answer), closed, thinkingTokens,
            closed && tokenizer is not null ? tokenizer.CountTokens(answer) : 0, answered ? answer : null);
    }
}
