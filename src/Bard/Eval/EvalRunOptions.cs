namespace Bard.Eval;

/// <summary>Options of one evaluation run of a local model. Immutable; <see cref="Validate"/> names the bad field.</summary>
public sealed record EvalRunOptions
{
    /// <summary>Method name written in every sample (e.g. <c>bard</c>, <c>truncation</c>).</summary>
    public required string Method { get; init; }
    public EvalMode Mode { get; init; } = EvalMode.Budget;
    /// <summary>Thinking budgets b to evaluate at (ignored in mode None).</summary>
    public IReadOnlyList<int> Budgets { get; init; } = [];
    /// <summary>New-token cap per completion: <see cref="LengthFactor"/>·b + <see cref="LengthSlack"/>, at most <see cref="MaxNewTokens"/>. Defaults 2, 64, 1024.</summary>
    public double LengthFactor { get; init; } = 2.0;
    public int LengthSlack { get; init; } = 64;
    public int MaxNewTokens { get; init; } = 1024;
    /// <summary>Tokens the model may write after a forced closing delimiter (mode Truncate). Default 16.</summary>
    public int AnswerAllowance { get; init; } = 16;
    /// <summary>Prompts generated together. Default 128.</summary>
    public int BatchSize { get; init; } = 128;

    public EvalRunOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(Method)) throw new BardException("eval: Method must be a name.");
        if (Mode != EvalMode.None && Budgets.Count == 0) throw new BardException("eval: Budgets must list at least one budget (or use mode none).");
        if (Budgets.Any(b => b < 1)) throw new BardException("eval: every budget must be at least 1 token.");
        if (LengthFactor < 1 || LengthSlack < 1 || MaxNewTokens < 1) throw new BardException("eval: LengthFactor ≥ 1, LengthSlack ≥ 1 and MaxNewTokens ≥ 1.");
        if (AnswerAllowance < 1) throw new BardException("eval: AnswerAllowance must be at least 1 token.");
        if (BatchSize < 1) throw new BardException("eval: BatchSize must be at least 1.");
        return this;
    }

    /// <summary>The new-token cap at budget <paramref name="budget"/> (null: no budget).</summary>
    public int CapFor(int? budget) => budget is { } b ? (int)Math.Min(MaxNewTokens, Math.Ceiling(LengthFactor * b) + LengthSlack) : MaxNewTokens;
}
