using Bard.Data;
using Bard.Eval;

namespace Bard.Rl;


/// <summary>
/// The task side of RL: how a problem at a thinking budget becomes prompt tokens, and how a
/// completion is judged (correct? thinking closed? how many thinking tokens?). The trainer knows
/// nothing about text; an environment built on a tokenizer, a chat template and a verifier does.
/// </summary>
public interface IRlEnvironment
{
    /// <summary>Token ids of the budgeted prompt (generation starts right after them).</summary>
    int[] Prompt(Problem problem, int budget);

    /// <summary>Judges the generated ids (the stop token included when there was one).</summary>
    Judgement Judge(Problem problem, int budget, IReadOnlyList<int> completion);

    /// <summary>Token ids that end a completion (end of turn / end of text).</summary>
    IReadOnlyList<int> StopTokenIds { get; }
}
