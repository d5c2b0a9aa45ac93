using System.Globalization;
using System.Numerics;
using Bard.Eval.Answers;

namespace Bard.Eval;

/// <summary>
/// The default verifier of the embedded task, whose answers are small integers or short tokens: the answer is read as
/// <see cref="MathVerifier.Extract"/> reads it (last <c>\boxed{}</c>, "answer: …", last number) and must equal the gold
/// exactly, as integers when both are integers ("007" = "7"), else as normalised strings. No tolerance, no algebra.
/// The embedded task's own verifier, when Bard.Data provides one, replaces it in <see cref="AnswerVerifiers.For"/>.
/// </summary>
public sealed class TaskVerifier : IAnswerVerifier
{
    /// <inheritdoc />
    public Verdict Check(string response, string gold)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(gold);
        string? extracted = MathVerifier.Extract(response);
        if (extracted is null) return new Verdict(null, false, "no answer found in the response");
        string a = LatexNormalizer.Normalize(extracted), g = LatexNormalizer.Normalize(gold);
        bool correct = BigInteger.TryParse(a, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var x)
                       && BigInteger.TryParse(g, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var y)
            ? x == y
            : a == g;
        return new Verdict(extracted, correct, $"read as '{a}', gold as '{g}': {(correct ? "equal" : "different")}");
    }
}
