namespace Bard.Serving;

/// <summary>
/// Decides whether a model's answer matches a gold answer. The reward server and the LLM teacher take one, so that
/// training and evaluation share one definition of "correct". <see cref="BoxedOrLastNumberVerifier"/> is the default
/// until the task verifiers of <c>Bard.Eval</c> are wired in.
/// </summary>
public interface IAnswerVerifier
{
    /// <summary>Whether <paramref name="response"/> (an answer, possibly with text around it) answers <paramref name="gold"/>.</summary>
    bool IsCorrect(string response, string gold);
}
