namespace Bard.Eval;

/// <summary>Which verifier grades a response: the benchmark's answer format.</summary>
public enum AnswerKind
{
    /// <summary>A mathematical answer (GSM8K, MATH-500, AIME): <see cref="MathVerifier"/>.</summary>
    Math,
    /// <summary>A multiple-choice letter (GPQA): <see cref="ChoiceVerifier"/>.</summary>
    Choice,
    /// <summary>The embedded task's answer: <see cref="TaskVerifier"/> unless the embedded task supplies its own.</summary>
    Task,
}
