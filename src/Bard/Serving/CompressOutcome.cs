using Bard.Data;

namespace Bard.Serving;

/// <summary>What <see cref="LlmCompressor.CompressAsync"/> got for one budget.</summary>
/// <param name="Sample">The sample: the accepted rewrite, or the closest attempt with <see cref="BudgetedSample.Accepted"/> false.</param>
/// <param name="Lengths">Length in student tokens of each attempt, in order.</param>
/// <param name="Usage">Tokens the attempts cost (in the compressor's tokens).</param>
/// <param name="Why">When not accepted: why it gave up.</param>
public sealed record CompressOutcome(BudgetedSample Sample, IReadOnlyList<int> Lengths, ChatUsage Usage, string? Why);
