using System.Text.RegularExpressions;
using Bard.Eval.Answers;

namespace Bard.Eval;

/// <summary>
/// Grades multiple-choice answers (GPQA): one upper-case option letter. Reads, from the answer part of the response
/// (after <c>&lt;/think&gt;</c>), first hit wins: the last <c>\boxed{C}</c> (also <c>\boxed{\text{(C)}}</c>); the last
/// "answer is (B)" / "**Answer:** C" / "correct option: D" phrase; the last line that starts with a letter ("A. because …");
/// the last standalone letter. Lower-case letters are never read (an "a" is an article). Knows nothing about the options' text.
/// </summary>
public sealed partial class ChoiceVerifier : IAnswerVerifier
{
    readonly string letters;

    /// <summary>A verifier for <paramref name="options"/>' letters (default A–D), validated here.</summary>
    public ChoiceVerifier(ChoiceVerifierOptions? options = null)
    {
        Options = options ?? new ChoiceVerifierOptions();
        Options.Validate();
        letters = Options.Letters;
    }

    /// <summary>The accepted letters.</summary>
    public ChoiceVerifierOptions Options { get; }

    /// <inheritdoc />
    public Verdict Check(string response, string gold)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(gold);
        string goldLetter = GoldLetter(gold);
        string? letter = Extract(response);
        if (letter is null) return new Verdict(null, false, $"no option letter ({letters}) found in the response");
        bool correct = letter == goldLetter;
        return new Verdict(letter, correct, $"read option {letter}, gold {goldLetter}: {(correct ? "equal" : "different")}");
    }

    /// <summary>The option letter a response gives, or null when none is found.</summary>
    public string? Extract(string response)
    {
        ArgumentNullException.ThrowIfNull(response);
        string text = ThinkingText.AnswerPart(response);
        var boxes = MathExtraction.Boxes(text);
        if (boxes.Count > 0 && Letter(boxes[^1].Content) is string boxed) return boxed;
        if (LastLetter(Phrase().Matches(text)) is string phrased) return phrased;
        if (LastLetter(LineStart().Matches(text)) is string line) return line;
        return LastLetter(Standalone().Matches(text));
    }

    string? LastLetter(MatchCollection matches)
    {
        for (int k = matches.Count - 1; k >= 0; k--)
        {
            string g = matches[k].Groups[1].Value;
            if (g.Length == 1 && letters.Contains(g[0])) return g;
        }
        return null;
    }

    /// <summary>The letter of a box's content: "C", "(C)", "\text{C}", "C) 42", "C. 42".</summary>
    string? Letter(string content)
    {
        string c = LatexNormalizer.Unwrap(LatexNormalizer.Unwrap(content, "\\textbf"), "\\text").Trim().Trim('(', ')', '$', ' ', '.');
        var m = LeadingLetter().Match(c);
        return m.Success && letters.Contains(m.Groups[1].Value[0]) ? m.Groups[1].Value : null;
    }

    string GoldLetter(string gold)
    {
        string g = gold.Trim().Trim('(', ')', '.', ' ').ToUpperInvariant();
        if (g.Length != 1 || !letters.Contains(g[0]))
            throw new BardException($"The gold answer of a multiple-choice question must be one of the letters {letters}, got '{gold}'.");
        return g;
    }

    [GeneratedRegex(@"(?i:answer|option|choice)[\s*:]*(?:is|would be|should be)?[\s*:]*(?:option\s*)?\(?\s*([A-Z])\s*\)?(?![A-Za-z0-9])")]
    private static partial Regex Phrase();
    [GeneratedRegex(@"(?m)^[\s*]*\(?([A-Z])[).:](?![A-Za-z0-9])")] private static partial Regex LineStart();
    [GeneratedRegex(@"(?<![A-Za-z0-9\\])\(?([A-Z])\)?(?![A-Za-z0-9'])")] private static partial Regex Standalone();
    [GeneratedRegex(@"^([A-Z])(?![A-Za-z])")] private static partial Regex LeadingLetter();
}
