using Bard.Data;
using Bard.Text;

namespace Bard.Rl;

/// <summary>
/// The RL environment of a chat student: prompts through its chat format with the budget line, completions
/// read back as thinking and answer and judged by a verifier — the same one evaluation uses.
/// </summary>
public sealed class ChatEnvironment(StudentChat chat, Func<Problem, string, bool> verify) : IRlEnvironment
{
    public int[] Prompt(Problem problem, int budget) => chat.Prompt(problem.Question, budget);

    public Judgement Judge(Problem problem, int budget, IReadOnlyList<int> completion)
    {
        var (split, thinkingTokens) = chat.Read(completion);
        bool correct = split.Closed && verify(problem, split.Answer);
        return new Judgement(correct, split.Closed, thinkingTokens);
    }

    public IReadOnlyList<int> StopTokenIds => [chat.EndOfTurnId];
}
