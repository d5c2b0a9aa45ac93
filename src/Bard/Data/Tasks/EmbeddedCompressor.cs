using Bard.Text;

namespace Bard.Data.Tasks;

/// <summary>
/// The embedded task's programmatic compressor: rewrites a chain's reasoning to a budget b in student tokens.
/// It walks <see cref="ChainReasoning.Ladder"/> with every closing. Among the renderings within
/// <see cref="EmbeddedTaskOptions.Tolerance"/> of b it keeps those with the smallest largest leap (steps are
/// merged only when b forces it), and of those takes the richest whose length L is within
/// <see cref="EmbeddedTaskOptions.TargetError"/> of b, else the one closest to b (the richer on ties). Accepted when |L − b| ≤ <see cref="EmbeddedTaskOptions.Tolerance"/>·b. Every
/// rendering ends in the correct answer, since it is computed, not copied. With <see cref="EmbeddedTaskOptions.PadAfterSteps"/>
/// it walks <see cref="ChainReasoning.PaddedLadder"/> instead, keeps the plainest step style among the most explicit, and
/// takes a rendering at or under b first (the richest on target, else the closest under b within the tolerance).
/// </summary>
public sealed class EmbeddedCompressor
{
    /// <summary>The <see cref="BudgetedSample.Compressor"/> name it writes.</summary>
    public const string Name = "embedded-compressor/1";

    readonly EmbeddedTaskOptions _options;
    readonly ITokenizer _tokenizer;

    public EmbeddedCompressor(EmbeddedTaskOptions options, ITokenizer tokenizer)
    {
        _options = options.Validate();
        _tokenizer = tokenizer;
    }

    /// <summary>Every rendering the compressor may choose, richest first, with its length.</summary>
    public IReadOnlyList<CompressionResult> Candidates(ChainProblem problem)
    {
        var list = new List<CompressionResult>();
        var ladder = _options.PadAfterSteps ? ChainReasoning.PaddedLadder(problem) : ChainReasoning.Ladder(problem, _options.SeparateStepStyles);
        foreach (var rung in ladder)
            foreach (var closing in ChainReasoning.ClosingsFor(rung))
            {
                var plan = rung with { Closing = closing };
                string text = ChainReasoning.Render(problem, plan);
                list.Add(new CompressionResult(0, plan, text, _tokenizer.CountTokens(text), false));
            }
        return list;
    }

    /// <summary>Compresses to one budget.</summary>
    public CompressionResult Compress(ChainProblem problem, int budget) => Choose(Candidates(problem), budget);

    /// <summary>Compresses to each budget, rendering the candidates once.</summary>
    public IReadOnlyList<CompressionResult> Compress(ChainProblem problem, IReadOnlyList<int> budgets)
    {
        var candidates = Candidates(problem);
        return budgets.Select(b => Choose(candidates, b)).ToArray();
    }

    CompressionResult Choose(IReadOnlyList<CompressionResult> candidates, int budget)
    {
        if (budget <= 0) throw new BardException($"budget {budget} is not positive; budgets are numbers of thinking tokens ≥ 1.");
        double tolerance = _options.Tolerance * budget + 1e-9, target = _options.TargetError * budget + 1e-9;
        // Leave out only what the budget forces. Among the renderings within tolerance keep the most explicit ones by
        // Explicitness (the smallest largest leap, then the most written results, then the fewest results written
        // without their operation); only then prefer the richest one on target, or the closest. Landing closer to b
        // never buys a barer trace: before this rule b = 32 got "8 3 8 4 -8=6 so the answer is 6." (exactly 32) where
        // b = 24 got "8+5=3 3*6=8 8-4=4 4-8=6", and the demo's student fell from 82% accuracy at b = 24 to 48% at 32.
        (int, int, int, int)? most = null;
        foreach (var c in candidates)
            if (Math.Abs(c.Tokens - budget) <= tolerance && (most is null || Key(c.Plan).CompareTo(most.Value) < 0)) most = Key(c.Plan);
        CompressionResult? best = null;
        int bestDistance = int.MaxValue;
        foreach (var c in candidates) // richest first
        {
            if (most is { } m && Key(c.Plan) != m) continue;
            int d = Math.Abs(c.Tokens - budget);
            if (_options.PadAfterSteps)
            {
                // At or under b first: the richest on target, else the closest under b within the tolerance; over b only when nothing under fits.
                if (c.Tokens <= budget && d <= target) { best = c; break; }
                int rank = c.Tokens <= budget && d <= tolerance ? d : 1_000_000 + d;
                if (rank < bestDistance) { best = c; bestDistance = rank; }
                continue;
            }
            if (d <= target) { best = c; break; }
            if (d < bestDistance) { best = c; bestDistance = d; }
        }
        return best! with { Budget = budget, Accepted = Math.Abs(best!.Tokens - budget) <= tolerance };
    }

    /// <summary>Explicitness, then (with <see cref="EmbeddedTaskOptions.PadAfterSteps"/>) the plainer step style: terse steps with padding before brief or verbose ones.</summary>
    (int, int, int, int) Key(ReasoningPlan plan)
    {
        var (leap, unwritten, bare) = Explicitness(plan);
        return (leap, unwritten, bare, _options.PadAfterSteps ? Math.Max(0, plan.Steps.Max() - StepLevel.Terse) : 0);
    }

    /// <summary>A plan's explicitness as a sort key, smaller = more explicit: (largest leap, −written results, bare values).</summary>
    public static (int Leap, int Unwritten, int Bare) Explicitness(ReasoningPlan plan) => (plan.LargestLeap, -plan.WrittenSteps, plan.BareValues);
}
