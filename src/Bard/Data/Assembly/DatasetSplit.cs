namespace Bard.Data.Assembly;

/// <summary>Train and validation samples, split by problem: no problem id is in both.</summary>
/// <param name="Train">Training samples, shuffled.</param>
/// <param name="Validation">Validation samples, shuffled.</param>
/// <param name="DroppedRejected">Samples left out because they were not accepted.</param>
/// <param name="DroppedDuplicates">Samples left out because an identical one (problem, budget, thinking, answer) came before.</param>
public sealed record DatasetSplit(IReadOnlyList<BudgetedSample> Train, IReadOnlyList<BudgetedSample> Validation, int DroppedRejected, int DroppedDuplicates = 0)
{
    public IReadOnlySet<string> TrainProblems => Train.Select(s => s.ProblemId).ToHashSet();
    public IReadOnlySet<string> ValidationProblems => Validation.Select(s => s.ProblemId).ToHashSet();
}
