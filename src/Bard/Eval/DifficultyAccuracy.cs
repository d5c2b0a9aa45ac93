namespace Bard.Eval;

/// <summary>Accuracy on the problems of one difficulty label (MATH-500 level, GPQA writer estimate) at one budget.</summary>
/// <param name="Difficulty">The label, e.g. <c>level 3</c>.</param>
/// <param name="N">Samples with that label.</param>
/// <param name="Accuracy">Fraction correct among them.</param>
public sealed record DifficultyAccuracy(string Difficulty, int N, double Accuracy);
