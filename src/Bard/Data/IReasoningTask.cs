using Bard.Text;

namespace Bard.Data;

/// <summary>
/// A task that can make its own data without a network or an LLM: problems with verifiable answers, a
/// programmatic teacher, a programmatic compressor and a verifier. <c>--task NAME</c> picks one
/// (<see cref="ReasoningTasks"/>).
/// </summary>
public interface IReasoningTask
{
    /// <summary>The name <c>--task</c> takes.</summary>
    string Name { get; }

    /// <summary>The <paramref name="index"/>-th problem of the set drawn with <paramref name="seed"/>; the same arguments always give the same problem.</summary>
    Problem Generate(int seed, int index);

    /// <summary>The programmatic teacher's long reasoning for a problem of this task.</summary>
    TeacherTrace Teach(Problem problem);

    /// <summary>
    /// Rewrites a teacher trace to each budget (in <paramref name="tokenizer"/>'s tokens); one sample per
    /// budget, with <see cref="BudgetedSample.Accepted"/> false where the budget cannot be met.
    /// </summary>
    IReadOnlyList<BudgetedSample> Compress(Problem problem, TeacherTrace trace, IReadOnlyList<int> budgets, ITokenizer tokenizer);

    /// <summary>The problem a trace of this task's teacher answers, when the trace alone says it (null otherwise).</summary>
    Problem? RecoverProblem(TeacherTrace trace);

    /// <summary>Whether <paramref name="answer"/> is the problem's correct answer.</summary>
    bool Verify(Problem problem, string answer);

    /// <summary>The tokenizer of a scratch student for this task.</summary>
    ITokenizer CreateTokenizer();

    /// <summary>Saves that tokenizer as Hugging Face files (tokenizer.json, tokenizer_config.json) in <paramref name="dir"/>.</summary>
    void SaveTokenizer(string dir);
}
