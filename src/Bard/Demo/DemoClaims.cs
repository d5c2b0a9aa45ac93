using System.Globalization;
using Bard.Eval;

namespace Bard.Demo;

/// <summary>
/// The paper's claims, judged from a demo's evaluation summary (pure; a claim whose methods are missing is left out).
/// Accuracies are compared as means over the budgets; "2σ" is twice the standard error of the difference of two such
/// means, each from n problems per budget (binomial, budgets independent): σ² = Σ_b p_b(1 − p_b)/n / B² per method.
/// </summary>
public static class DemoClaims
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public const string LengthFollowsBudget = "length follows the budget";
    public const string AccuracyRisesWithBudget = "accuracy rises with the budget";
    public const string BeatsTruncation = "BARD beats truncation at small budgets";
    public const string RlBeatsSft = "SFT then RL beats SFT alone";
    public const string RlAloneCollapses = "RL alone collapses";
    public const string AdditiveDrifts = "the additive reward drifts to short wrong answers";

    public static IReadOnlyList<Claim> Evaluate(EvalSummary summary)
    {
        var claims = new List<Claim>();
        var bard = Budgeted(summary, EvalMethods.Bard);
        if (bard is null) return claims;

        // 1. Length: mean |L − b|/b over the budgets ≤ 0.05 and mean L rising with b.
        double dev = bard.Average(r => r.MeanAbsRelDev ?? double.NaN);
        bool rising = bard.Zip(bard.Skip(1)).All(p => p.Second.MeanThinkingTokens > p.First.MeanThinkingTokens);
        claims.Add(new Claim(LengthFollowsBudget, dev <= 0.05 && rising,
            $"bard: mean |L − b|/b {F(dev, "0.000")} over {bard.Count} budgets (rule: ≤ 0.050); mean L "
            + string.Join(", ", bard.Select(r => $"{F(r.MeanThinkingTokens, "0.#")} @{r.Budget}"))
            + (rising ? " (rising at every step)" : " (not rising at every step)")));

        // 2. Accuracy: no drop of more than 5 points between neighbouring budgets, and the largest budget better than the smallest by 2σ.
        double worstDrop = bard.Zip(bard.Skip(1)).Select(p => (p.First.Accuracy ?? 0) - (p.Second.Accuracy ?? 0)).DefaultIfEmpty(0).Max();
        double gain = (bard[^1].Accuracy ?? 0) - (bard[0].Accuracy ?? 0);
        double gainSigma = Math.Sqrt(Var(bard[^1]) + Var(bard[0]));
        claims.Add(new Claim(AccuracyRisesWithBudget, worstDrop <= 0.05 && gain > 2 * gainSigma,
            $"bard accuracy {string.Join(", ", bard.Select(r => $"{P(r.Accuracy)} @{r.Budget}"))}; largest drop between neighbours "
            + $"{Sig(Math.Max(0, worstDrop))} (rule: ≤ 5.0 points); b = {bard[^1].Budget} vs {bard[0].Budget}: {Pts(gain)} (2σ = {Sig(2 * gainSigma)})"));

        // 3. BARD against budget forcing of the agnostic model, over the smaller half of the budgets.
        if (Budgeted(summary, EvalMethods.Truncation) is { } truncation)
        {
            var small = bard.Select(r => r.Budget).Take((bard.Count + 1) / 2).ToHashSet();
            var (diff, sigma) = Compare(bard.Where(r => small.Contains(r.Budget)).ToList(), truncation.Where(r => small.Contains(r.Budget)).ToList());
            claims.Add(new Claim(BeatsTruncation, diff > 2 * sigma,
                $"b ≤ {small.Max()}: bard {P(MeanAcc(bard, small))} vs truncation {P(MeanAcc(truncation, small))} mean accuracy, "
                + $"{Pts(diff)} (rule: > 2σ = {Sig(2 * sigma)})"));
        }

        // 4. RL after budget SFT (the paper's central claim): accuracy up by ≥ 3 points and 2σ, and |L − b|/b down to
        //    ≤ 0.7× bard_sft's (or ≤ 0.01). Each half is reported, so a run that wins one of them says which.
        if (Budgeted(summary, EvalMethods.BardSft) is { } sft)
        {
            var (diff, sigma) = Compare(bard, sft);
            double sftDev = sft.Average(r => r.MeanAbsRelDev ?? double.NaN);
            bool accuracyWins = diff >= Math.Max(0.03, 2 * sigma);
            bool fidelityWins = dev <= 0.7 * sftDev || dev <= 0.01;
            claims.Add(new Claim(RlBeatsSft, accuracyWins && fidelityWins,
                $"mean accuracy bard {P(MeanAcc(bard))} vs bard_sft {P(MeanAcc(sft))}: {Pts(diff)} (rule: ≥ max(3 points, 2σ = {Sig(2 * sigma)})"
                + $"{(accuracyWins ? ", met" : ", not met")}); mean |L − b|/b {F(dev, "0.000")} vs {F(sftDev, "0.000")}"
                + $"{(sftDev > 0 && double.IsFinite(dev / sftDev) ? $" ({F(dev / sftDev, "0.00")}×)" : "")} (rule: ≤ 0.7× or ≤ 0.010{(fidelityWins ? ", met" : ", not met")})"));
        }

        // 5. RL from the agnostic model: accuracy ≥ 30 points below bard, or |L − b|/b above 0.3.
        if (Budgeted(summary, EvalMethods.BardRlOnly) is { } rlOnly)
        {
            double drop = MeanAcc(bard) - MeanAcc(rlOnly);
            double rlDev = rlOnly.Average(r => r.MeanAbsRelDev ?? double.NaN);
            bool collapses = drop >= 0.30, ignoresBudget = rlDev > 0.3;
            claims.Add(new Claim(RlAloneCollapses, collapses || ignoresBudget,
                $"bard_rl_only mean accuracy {P(MeanAcc(rlOnly))} ({Pts(-drop)} against bard), mean |L − b|/b {F(rlDev, "0.000")} "
                + $"(rule: ≥ 30 points below bard, or |L − b|/b > 0.3)"
                + (collapses && ignoresBudget ? ": both" : collapses ? ": accuracy collapses" : ignoresBudget ? ": it does not follow budgets" : "")));
        }

        // 6. The additive reward: less accurate than bard by 2σ, with shorter thinking.
        if (Budgeted(summary, EvalMethods.BardAdditive) is { } additive)
        {
            var (diff, sigma) = Compare(additive, bard);
            double addSigned = additive.Average(r => r.MeanSignedRelDev ?? double.NaN), bardSigned = bard.Average(r => r.MeanSignedRelDev ?? double.NaN);
            claims.Add(new Claim(AdditiveDrifts, diff < -2 * sigma && addSigned < bardSigned,
                $"mean accuracy bard_additive {P(MeanAcc(additive))} vs bard {P(MeanAcc(bard))}: {Pts(diff)} (2σ = {Sig(2 * sigma)}); "
                + $"mean (L − b)/b {F(addSigned, "+0.000;-0.000;0.000")} vs {F(bardSigned, "+0.000;-0.000;0.000")} (rule: accuracy lower by > 2σ and thinking shorter)"));
        }
        return claims;
    }

    /// <summary>The method's rows with a budget and samples, by budget; null when it has none.</summary>
    static List<BudgetMetrics>? Budgeted(EvalSummary summary, string method) =>
        summary.Method(method)?.PerBudget.Where(r => r.Budget is not null && r.N > 0).OrderBy(r => r.Budget).ToList() is { Count: > 0 } rows ? rows : null;

    static double Var(BudgetMetrics r) => r.Accuracy is { } p && r.N > 0 ? p * (1 - p) / r.N : 0;

    static double MeanAcc(IReadOnlyList<BudgetMetrics> rows, ISet<int?>? only = null)
    {
        var used = rows.Where(r => only is null || only.Contains(r.Budget)).ToList();
        return used.Average(r => r.Accuracy ?? 0);
    }

    /// <summary>Mean accuracy of <paramref name="a"/> minus <paramref name="b"/> over the budgets both have, and the standard error of that difference.</summary>
    static (double Diff, double Sigma) Compare(IReadOnlyList<BudgetMetrics> a, IReadOnlyList<BudgetMetrics> b)
    {
        var pairs = a.Join(b, r => r.Budget, r => r.Budget, (x, y) => (x, y)).ToList();
        if (pairs.Count == 0) return (0, 0);
        double diff = pairs.Average(p => (p.x.Accuracy ?? 0) - (p.y.Accuracy ?? 0));
        double sigma = Math.Sqrt(pairs.Sum(p => Var(p.x) + Var(p.y))) / pairs.Count;
        return (diff, sigma);
    }

    static string F(double? v, string format) => v is { } x && double.IsFinite(x) ? x.ToString(format, Inv) : "–";
    static string P(double? v) => v is { } x ? (100 * x).ToString("0.0", Inv) + "%" : "–";
    static string Sig(double v) => (100 * v).ToString("0.0", Inv) + " points";
    static string Pts(double v) => (100 * v).ToString("+0.0;-0.0;0.0", Inv) + " points";
}
