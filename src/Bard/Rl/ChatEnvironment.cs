using Bard.Data;
using Bard.Eval;
using Bard.Text;

namespace Bard.Rl;

/// <summary>
/// The RL environment of a chat student: prompts through its chat format with the budget line, completions
/// judged by the <see cref="Eval.Judge"/> evaluation uses, so reward and evaluation agree on every completion.
/// </summary>
public sealed class ChatEnvironment(StudentChat chat, Func<Problem, string, bool> verify) : IRlEnvironment
{
    readonly Judge judge = Eval.Judge.For(chat, verify);

    public int[] Prompt(Problem problem, int budget) => chat.Prompt(problem.Question, budget);

    public Judgement Judge(Problem problem, int budget, IReadOnlyList<int> completion) => judge.OfIds(problem, completion, chat.EndOfTurnId);

    public IReadOnlyList<int> StopTokenIds => [chat.EndOfTurnId];
}
