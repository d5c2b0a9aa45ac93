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

    /// <summary>
    /// When on, the compressor never mixes numbered steps ("step 3: 4+8 is 12, …") with unnumbered ones in one trace:
    /// steps turn brief all at once (<see cref="ChainReasoning.Ladder"/>). Off by default, so the compressor's output is
    /// unchanged; <c>bard demo</c> used it until <see cref="PadAfterSteps"/> replaced it. Measured first (budget SFT from a 94%-accurate agnostic student, 200 problems per budget): mean |L − b|/b
    /// over b = 2…128 0.069 → 0.026 at the same mean accuracy (66.2% → 66.8%), b = 32: 81% → 91.5%, b = 64: 67% → 81%.
    /// Cost: where no rendering of one style lands within the tolerance, a barer one is taken (a 2-step chain may get a
    /// bare value at b = 24 and a chained step at b = 16), so "a larger budget is never less explicit" no longer holds.
    /// </summary>
    public bool SeparateStepStyles { get; init; }

    /// <summary>
    /// When on, the compressor writes every step as plainly as it can be written in full (terse, <c>7*2=4</c>; barer only when
    /// the budget forces it), the same way at every budget and difficulty, and fills the budget's slack around the steps: a
    /// restatement before them, re-checks after the last one (never between two steps) and the closing (one more, "so it is 7.",
    /// fills the gap between "so 7." and "the answer is 7."). Brief or verbose steps only where terse ones with every re-check
    /// cannot reach the budget (<see cref="ChainReasoning.PaddedLadder"/>). It lands at or under b whenever a rendering within
    /// the tolerance does, so a student that imitates it answers within its budget. <see cref="SeparateStepStyles"/> has no
    /// effect then. Why: with richer steps at larger budgets, how many steps a trace has follows from its budget and style, and
    /// the demo's student learned that instead of reading the chain's end from the question (at b = 64 and 128 it finished the
    /// chain and repeated its last operation to fill the budget: 75.5% and 63.5% accurate, against 100% at b = 16). Measured
    /// with budget SFT from the same 94.5%-accurate agnostic student (2-core AMD EPYC, 200 problems per budget, b = 2…128):
    /// mean accuracy 69.4% → 76.2%, b = 64 75.5% → 100%, b = 128 63.5% → 96.5%, mean |L − b|/b 0.047 → 0.013, answers over
    /// budget 16% → 0.15%. Off by default (compressor output unchanged); on in <c>bard demo</c>.
    /// </summary>
    public bool PadAfterSteps { get; init; }

    /// <summary>The operand ceiling in effect.</summary>
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
