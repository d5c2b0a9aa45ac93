namespace Bard.Eval;

/// <summary>
/// One claim of the method checked against a run (<c>summary.json</c>'s <c>claims</c>, <c>report.md</c>'s claims table).
/// </summary>
/// <param name="Name">What is claimed, e.g. "SFT then RL beats SFT alone".</param>
/// <param name="Holds">Whether this run supports it, by the rule stated in <paramref name="Evidence"/>.</param>
/// <param name="Evidence">The measured numbers and the rule they were judged by.</param>
public sealed record Claim(string Name, bool Holds, string Evidence);
