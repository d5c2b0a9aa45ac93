namespace Bard.Data;

/// <summary>Records read from a JSONL file, and what was skipped under <see cref="BadRecordPolicy.Skip"/>.</summary>
/// <param name="Records">The good records, in file order.</param>
/// <param name="Skipped">Number of bad lines skipped (0 under <see cref="BadRecordPolicy.Stop"/>).</param>
/// <param name="SkipMessages">The messages of the first skipped lines (at most <see cref="JsonlReader.MaxKeptMessages"/>), each naming file and line.</param>
public sealed record JsonlReadResult<T>(IReadOnlyList<T> Records, int Skipped, IReadOnlyList<string> SkipMessages);
