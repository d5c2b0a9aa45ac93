namespace Bard.Data.Import;

/// <summary>The outcome of one imported line: a problem and its trace, or the reason it was skipped.</summary>
/// <param name="Location">"FILE:LINE" of the line.</param>
/// <param name="Problem">The problem (also present when skipped).</param>
/// <param name="Trace">The teacher trace; null when skipped.</param>
/// <param name="Skip">Why it was skipped; <see cref="ImportSkipReason.None"/> when imported.</param>
public sealed record ImportedTrace(string Location, Problem Problem, TeacherTrace? Trace, ImportSkipReason Skip);
