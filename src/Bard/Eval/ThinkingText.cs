namespace Bard.Eval;

/// <summary>
/// Splits a response into its thinking and its answer part. The answer part is what verifiers grade:
/// the text after the last <c>&lt;/think&gt;</c>, or the whole response when it has none. A response whose
/// thinking was never closed (budget exhausted mid-thought) is graded on its whole text, as the evaluation
/// of a forced answer would be; an unclosed <c>&lt;think&gt;</c> opener itself is dropped.
/// </summary>
public static class ThinkingText
{
    /// <summary>The closing tag of the thinking block.</summary>
    public const string CloseTag = "</think>";

    /// <summary>The part of <paramref name="response"/> that is graded (see the type's summary).</summary>
    public static string AnswerPart(string response)
    {
        ArgumentNullException.ThrowIfNull(response);
        int close = response.LastIndexOf(CloseTag, StringComparison.Ordinal);
        if (close >= 0) return response[(close + CloseTag.Length)..];
        int open = response.IndexOf("<think>", StringComparison.Ordinal);
        return open >= 0 ? response.Remove(open, "<think>".Length) : response;
    }
}
