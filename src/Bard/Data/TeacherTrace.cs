namespace Bard.Data;

/// <summary>
/// A teacher's long reasoning for one problem and the answer it reached (schema <c>teacher_trace</c> v1).
/// The thinking is the text that goes inside &lt;think&gt;…&lt;/think&gt;; the answer is the final answer only.
/// </summary>
/// <param name="ProblemId">The <see cref="Problem.Id"/> it answers.</param>
/// <param name="Thinking">The reasoning text, without the think tags.</param>
/// <param name="Answer">The teacher's final answer, as text.</param>
/// <param name="Teacher">Who wrote it: a task's programmatic teacher (e.g. <c>embedded-teacher/1</c>) or a model name.</param>
/// <param name="Correct">Whether the answer matches the gold answer; null when it was not graded.</param>
public sealed record TeacherTrace(string ProblemId, string Thinking, string Answer, string Teacher, bool? Correct)
{
    /// <summary>Length of <see cref="Thinking"/> in the student's tokens, when it was measured (import does); null otherwise.</summary>
    public int? ThinkingTokens { get; init; }
}
