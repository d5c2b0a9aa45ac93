namespace Bard.Eval;

/// <summary>
/// The verifier for each <see cref="AnswerKind"/>, with default options: the single place where the RL reward, evaluation
/// and <c>bard check-answer</c> get their definition of "correct".
/// </summary>
public static class AnswerVerifiers
{
    /// <summary>The verifier that grades answers of <paramref name="kind"/>.</summary>
    public static IAnswerVerifier For(AnswerKind kind) => kind switch
    {
        AnswerKind.Math => new MathVerifier(),
        AnswerKind.Choice => new ChoiceVerifier(),
        // The embedded task's answers are integers mod m: exact integer comparison with the gold, the same rule
        // EmbeddedTask.Verify applies when the data layer checks its own teacher.
        AnswerKind.Task => new TaskVerifier(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown answer kind."),
    };
}
