using Bard.Data;
using Bard.Text;

namespace Bard.Training;

/// <summary>
/// Tokenized SFT sequences from Bard's data records, through the student's chat format: budgeted samples
/// (BARD's phase one: the budget line in the prompt) or teacher traces without a budget (plain long-CoT
/// distillation, the budget-agnostic baseline). Targets are the assistant turn through its end-of-turn token.
/// </summary>
public static class SftExamples
{
    /// <summary>One sequence per accepted sample; the question comes from <paramref name="problems"/>.</summary>
    public static List<TrainingSequence> FromSamples(IEnumerable<BudgetedSample> samples, IReadOnlyDictionary<string, Problem> problems, StudentChat chat)
    {
        var list = new List<TrainingSequence>();
        foreach (var s in samples)
        {
            if (!s.Accepted) continue;
            var problem = Find(problems, s.ProblemId);
            var (prompt, completion) = chat.Example(problem.Question, s.Budget, s.Thinking, s.Answer);
            list.Add(TrainingSequence.PromptCompletion(prompt, completion));
        }
        return list;
    }

    /// <summary>One sequence per trace, with no budget in the prompt (budget-agnostic distillation); traces graded wrong are skipped.</summary>
    public static List<TrainingSequence> FromTraces(IEnumerable<TeacherTrace> traces, IReadOnlyDictionary<string, Problem> problems, StudentChat chat)
    {
        var list = new List<TrainingSequence>();
        foreach (var t in traces)
        {
            if (t.Correct == false) continue;
            var problem = Find(problems, t.ProblemId);
            var (prompt, completion) = chat.Example(problem.Question, null, t.Thinking, t.Answer);
            list.Add(TrainingSequence.PromptCompletion(prompt, completion));
        }
        return list;
    }

    static Problem Find(IReadOnlyDictionary<string, Problem> problems, string id) =>
        problems.TryGetValue(id, out var p) ? p
            : throw new BardException($"no problem record for '{id}'; pass the problems file the samples or traces were made from (--problems).");
}
