namespace Bard.Eval;

/// <summary>
/// The benchmarks <c>bard eval</c> reads. Names on the command line are those of <see cref="Benchmarks.Name"/>
/// (<c>gsm8k</c>, <c>math500</c>, <c>aime24</c>, <c>aime25</c>, <c>gpqa</c>, <c>jsonl</c>).
/// </summary>
public enum Benchmark
{
    /// <summary>GSM8K test split (1,319 grade-school word problems; integer answers).</summary>
    Gsm8k,
    /// <summary>MATH-500 (the PRM800K test split of Hendrycks MATH; LaTeX answers; levels 1–5).</summary>
    Math500,
    /// <summary>AIME 2024, I and II (30 problems; integer answers 0–999).</summary>
    Aime24,
    /// <summary>AIME 2025, I and II (30 problems; integer answers 0–999).</summary>
    Aime25,
    /// <summary>GPQA (Diamond or another split) from its official CSV; four options shuffled with a seed, gold is a letter.</summary>
    Gpqa,
    /// <summary>Any JSONL file, with a field mapping for question, answer and id.</summary>
    Jsonl,
}
