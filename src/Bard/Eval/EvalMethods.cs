namespace Bard.Eval;

/// <summary>
/// The method names used in <c>summary.json</c> and reports, in the order reports list them. A method is any
/// name (a user may evaluate another checkpoint), so samples hold strings; these are the ones the paper compares.
/// </summary>
public static class EvalMethods
{
    /// <summary>Budget-agnostic distillation (the student never sees a budget).</summary>
    public const string Agnostic = "agnostic";
    /// <summary>Truncation / budget forcing of a budget-agnostic model.</summary>
    public const string Truncation = "truncation";
    /// <summary>BARD after the SFT stage only.</summary>
    public const string BardSft = "bard_sft";
    /// <summary>BARD's RL stage without SFT.</summary>
    public const string BardRlOnly = "bard_rl_only";
    /// <summary>BARD: SFT then RL, multiplicative reward.</summary>
    public const string Bard = "bard";
    /// <summary>BARD with the additive reward.</summary>
    public const string BardAdditive = "bard_additive";

    /// <summary>The known methods in report order.</summary>
    public static IReadOnlyList<string> Known { get; } = [Agnostic, Truncation, BardSft, BardRlOnly, Bard, BardAdditive];

    /// <summary>Sort key: known methods in <see cref="Known"/> order, then others (callers break ties by name).</summary>
    public static int Order(string method)
    {
        int i = -1;
        for (int k = 0; k < Known.Count; k++) if (Known[k] == method) i = k;
        return i >= 0 ? i : Known.Count;
    }
}
