namespace Bard.Eval;

/// <summary>One data row of a <see cref="CsvTable"/>.</summary>
/// <param name="Line">1-based line on which the row starts.</param>
/// <param name="Fields">The field values, in header order.</param>
public sealed record CsvRow(int Line, IReadOnlyList<string> Fields);
