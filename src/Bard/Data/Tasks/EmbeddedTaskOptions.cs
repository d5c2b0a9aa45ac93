namespace Bard.Data.Tasks;

/// <summary>
/// Shape of the embedded task's problems: chains of operations modulo <see cref="Modulus"/>, applied left to
/// right. Immutable; <see cref="Validate"/> once at the boundary. The defaults are the ones
/// docs/embedded-task.md measured and the demo uses.
/// </summary>
public sealed record EmbeddedTaskOptions
{
    /// <summary>Every value lives in [0, Modulus). Default 10: one-digit values, which a 1–5M student learns in minutes (mod 100 was not learned in 7 minutes).</summary>
    public int Modulus { get; init; } = 10;

    /// <summary>Fewest operations in a chain (difficulty k). Default 2.</summary>
    public int MinOperations { get; init; } = 2;

    /// <summary>Most operations in a chain. Default 8: value-only steps cost 2 tokens each, so budgets below 2k force merged steps, spreading the accuracy decline over b = 2..16.</summary>
    public int MaxOperations { get; init; } = 8;

    /// <summary>Largest operand; operands are drawn from 1..MaxOperand. Default null: Modulus − 1.</summary>
    public int? MaxOperand { get; init; }

    /// <summary>Operations drawn uniformly. Default: +, −, ×.</summary>
    public IReadOnlyList<ChainOperator> Operators { get; init; } = [ChainOperator.Add, ChainOperator.Subtract, ChainOperator.Multiply];

    /// <summary>Accepted relative length error |L − b| / b of a compressed trace. Default 0.10 (the issue's ±10%).</summary>
    public double Tolerance { get; init; } = 0.10;

    /// <summary>The compressor prefers the richest rendering within this relative error before it settles for the closest one. Default 0.03.</summary>
    public double TargetError { get; init; } = 0.03;

    /// <summary>The operand ceiling in effect.</summary>
    /// <summary>
    /// When on, the compressor never mixes numbered steps ("step 3: 4+8 is 12, …") with unnumbered ones in one trace:
    /// steps turn brief all at once (<see cref="ChainReasoning.Ladder"/>). Off by default, so the compressor's output is
    /// unchanged; <c>bard demo</c> turns it on (whole demos measured with it: README). Measured first (budget SFT from a 94%-accurate agnostic student, 200 problems per budget): mean |L − b|/b
    /// over b = 2…128 0.069 → 0.026 at the same mean accuracy (66.2% → 66.8%), b = 32: 81% → 91.5%, b = 64: 67% → 81%.
    /// Cost: where no rendering of one style lands within the tolerance, a barer one is taken (a 2-step chain may get a
    /// bare value at b = 24 and a chained step at b = 16), so "a larger budget is never less explicit" no longer holds.
    /// </summary>
    public bool SeparateStepStyles { get; init; }

    public int EffectiveMaxOperand => MaxOperand ?? Modulus - 1;

    /// <summary>Throws <see cref="BardException"/> naming the first bad option and its fix.</summary>
    public EmbeddedTaskOptions Validate()
    {
        if (Modulus is < 2 or > 1000) throw new BardException($"EmbeddedTaskOptions.Modulus is {Modulus}; use 2..1000 (default 10).");
        if (MinOperations < 1) throw new BardException($"EmbeddedTaskOptions.MinOperations is {MinOperations}; use at least 1 (default 2).");
        if (MaxOperations < MinOperations || MaxOperations > 50)
            throw new BardException($"EmbeddedTaskOptions.MaxOperations is {MaxOperations}; use MinOperations..50 (default 8).");
        if (EffectiveMaxOperand < 1 || EffectiveMaxOperand >= Modulus)
            throw new BardException($"EmbeddedTaskOptions.MaxOperand is {EffectiveMaxOperand}; use 1..Modulus−1 (default Modulus−1).");
        if (Operators.Count == 0) throw new BardException("EmbeddedTaskOptions.Operators is empty; give at least one operator.");
        if (Tolerance is <= 0 or >= 1) throw new BardException($"EmbeddedTaskOptions.Tolerance is {Tolerance}; use a fraction in (0, 1) (default 0.10).");
        if (TargetError < 0 || TargetError > Tolerance)
            throw new BardException($"EmbeddedTaskOptions.TargetError is {TargetError}; use 0..Tolerance (default 0.03).");
        return this;
    }
}
