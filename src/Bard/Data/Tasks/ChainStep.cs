namespace Bard.Data.Tasks;

/// <summary>One operation of a chain and what it computes: <c>Input Operator Operand = Raw ≡ Output (mod m)</c>.</summary>
/// <param name="Index">1-based position in the chain.</param>
/// <param name="Input">The value before the step, in [0, m).</param>
/// <param name="Operator">The operation.</param>
/// <param name="Operand">The right-hand operand.</param>
/// <param name="Raw">The result before reduction (may be negative or ≥ m).</param>
/// <param name="Output">The result reduced mod m, in [0, m).</param>
public sealed record ChainStep(int Index, int Input, ChainOperator Operator, int Operand, int Raw, int Output)
{
    /// <summary>Whether the reduction mod m changed the value (the teacher re-checks these steps).</summary>
    public bool Wraps => Raw != Output;

    /// <summary>The operator's character.</summary>
    public char Symbol => Operator switch
    {
        ChainOperator.Add => '+',
        ChainOperator.Subtract => '-',
        ChainOperator.Multiply => '*',
        _ => throw new ArgumentOutOfRangeException(nameof(Operator)),
    };
}
