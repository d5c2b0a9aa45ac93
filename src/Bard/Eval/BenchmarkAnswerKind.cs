namespace Bard.Eval;

/// <summary>
/// How a benchmark's answers are checked: a mathematical expression or number, or the letter of a
/// multiple-choice option. It names the kind only; the verifiers decide what "equal" means.
/// </summary>
public enum BenchmarkAnswerKind
{
    /// <summary>A number or LaTeX expression, compared by the math verifier.</summary>
    Math,
    /// <summary>An option letter (A, B, C, …), compared by the choice verifier.</summary>
    Choice,
}
