using Bard.Data;

namespace Bard.Eval;

/// <summary>
/// The problems of one benchmark as loaded for evaluation, with what the evaluator needs to know about them.
/// It holds data only; <see cref="BenchmarkLoader"/> builds it.
/// </summary>
/// <param name="Benchmark">Which benchmark.</param>
/// <param name="Name">Its name as written into <c>summary.json</c> (<c>task</c>): the benchmark name, or the file stem for <c>jsonl</c>.</param>
/// <param name="AnswerKind">How answers are checked.</param>
/// <param name="SourceFile">Full path of the file read.</param>
/// <param name="Problems">The problems in file order; <see cref="Problem.Source"/> is the benchmark name.</param>
public sealed record BenchmarkSet(
    Benchmark Benchmark,
    string Name,
    AnswerKind AnswerKind,
    string SourceFile,
    IReadOnlyList<Problem> Problems)
{
    /// <summary>
    /// Difficulty label by problem id where the benchmark has one (MATH-500: <c>level 1</c> … <c>level 5</c>;
    /// GPQA: the writer's difficulty estimate when the CSV has that column); empty otherwise.
    /// </summary>
    public IReadOnlyDictionary<string, string> Difficulty { get; init; } = new Dictionary<string, string>();
}
