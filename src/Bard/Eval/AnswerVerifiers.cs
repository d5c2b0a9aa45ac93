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
        // MERGE: wire the embedded task's verifier from Bard.Data here (replace TaskVerifier if it brings its own).
        AnswerKind.Task => new TaskVerifier(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown answer kind."),
    };
}
