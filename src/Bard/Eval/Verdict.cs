namespace Bard.Eval;

/// <summary>
/// The grade of one response: what was read as its answer and whether that answer equals the gold one.
/// </summary>
/// <param name="Extracted">The answer read from the response after normalisation; null when none was found.</param>
/// <param name="Correct">True when <paramref name="Extracted"/> is equivalent to the gold answer; false when it is not or when nothing was found.</param>
/// <param name="Reason">A short human-readable explanation ("numeric match", "no answer found", ...), for users and logs.</param>
public sealed record Verdict(string? Extracted, bool Correct, string? Reason);
