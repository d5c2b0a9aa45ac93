namespace Bard.Data;

/// <summary>
/// A problem with a verifiable gold answer: the unit that train/validation splits are made of.
/// Stored one per line in a problems JSONL file (docs/data-formats.md, schema <c>problem</c> v1).
/// </summary>
/// <param name="Id">Unique id within a data set; every trace and sample refers to it.</param>
/// <param name="Question">The question as the student sees it (without any budget instruction).</param>
/// <param name="Answer">The gold answer, as text.</param>
public sealed record Problem(string Id, string Question, string Answer)
{
    /// <summary>Answer options for multiple-choice problems; null otherwise.</summary>
    public IReadOnlyList<string>? Choices { get; init; }

    /// <summary>Where the problem comes from (a task name, a benchmark); null when unknown.</summary>
    public string? Source { get; init; }
}
