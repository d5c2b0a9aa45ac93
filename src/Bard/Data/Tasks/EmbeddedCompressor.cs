using Bard.Text;

namespace Bard.Data.Tasks;

/// <summary>
/// The embedded task's programmatic compressor: rewrites a chain's reasoning to a budget b in student tokens.
/// It walks <see cref="ChainReasoning.Ladder"/> with every closing, and takes the richest rendering whose
/// length L is within <see cref="EmbeddedTaskOptions.TargetError"/> of b; when none is, the one closest to b
/// (the richer on ties). Accepted when |L − b| ≤ <see cref="EmbeddedTaskOptions.Tolerance"/>·b. Every
/// rendering ends in the correct answer, since it is computed, not copied.
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
        foreach (var rung in ChainReasoning.Ladder(problem))
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
        CompressionResult? best = null;
        int bestDistance = int.MaxValue;
        double target = _options.TargetError * budget;
        foreach (var c in candidates) // richest first
        {
            int d = Math.Abs(c.Tokens - budget);
            if (d <= target) { best = c; break; }
            if (d < bestDistance) { best = c; bestDistance = d; }
        }
        int distance = Math.Abs(best!.Tokens - budget);
        return best with { Budget = budget, Accepted = distance <= _options.Tolerance * budget + 1e-9 };
    }
}
