namespace Bard.Eval;

/// <summary>
/// The one definition of "correct" shared by the RL reward and by evaluation. Pure text in, verdict out:
/// no model, no tensors, no I/O. Implementations are immutable and thread-safe.
/// </summary>
public interface IAnswerVerifier
{
    /// <summary>
    /// Grades <paramref name="response"/> (a full completion, possibly with a <c>&lt;think&gt;…&lt;/think&gt;</c> block)
    /// against <paramref name="gold"/> (the reference answer). Thinking is never graded: when the response contains
    /// <c>&lt;/think&gt;</c>, only the text after its last occurrence is read (see <see cref="ThinkingText.AnswerPart"/>).
    /// Never throws on malformed responses: an unreadable response is a verdict with Correct = false.
    /// </summary>
    Verdict Check(string response, string gold);
}
