using System.Globalization;
using System.Text.RegularExpressions;

namespace Bard.Serving;

/// <summary>
/// The default answer check of Bard.Serving: the answer is the content of the last <c>\boxed{…}</c> in the response,
/// else its last number, else the whole trimmed response; it is correct when it equals the gold answer (the content of
/// its \boxed{} if it has one, else all of it) as numbers, or as normalised strings (no spaces, <c>$</c> or thousands commas; case-insensitive).
/// TODO(lead, at merge): replace with the task verifiers of Bard.Eval (MathVerifier etc.), which know fractions,
/// LaTeX and choices; this one is deliberately simple.
/// </summary>
public sealed partial class BoxedOrLastNumberVerifier : IAnswerVerifier
{
    /// <summary>The shared instance.</summary>
    public static BoxedOrLastNumberVerifier Instance { get; } = new();

    /// <inheritdoc/>
    public bool IsCorrect(string response, string gold)
    {
        string a = Normalise(Extract(response)), g = Normalise(Boxed(gold) ?? gold);
        if (a.Length == 0) return false;
        if (decimal.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            && decimal.TryParse(g, NumberStyles.Float, CultureInfo.InvariantCulture, out var y)) return x == y;
        return string.Equals(a, g, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The answer a response states: last \boxed{…} content, else last number, else the trimmed text.</summary>
    public static string Extract(string text)
    {
        if (Boxed(text) is { } boxed) return boxed;
        var numbers = Number().Matches(text);
        return numbers.Count > 0 ? numbers[^1].Value : text.Trim();
    }

    /// <summary>The content of the last \boxed{…} (braces balanced), or null.</summary>
    static string? Boxed(string text)
    {
        int at = text.LastIndexOf("\\boxed{", StringComparison.Ordinal);
        if (at >= 0)
        {
            int start = at + 7, depth = 1;
            for (int i = start; i < text.Length; i++)
            {
                if (text[i] == '{') depth++;
                else if (text[i] == '}' && --depth == 0) return text[start..i];
            }
        }
        return null;
    }

    static string Normalise(string s) => s.Replace(" ", "").Replace("$", "").Replace(",", "").Trim().TrimEnd('.');

    [GeneratedRegex(@"-?[0-9][0-9,]*(\.[0-9]+)?")]
    private static partial Regex Number();
}
