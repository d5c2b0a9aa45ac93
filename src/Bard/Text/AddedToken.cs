using System.Runtime.CompilerServices;
namespace Bard.Text;

/// <summary>
/// A token of <c>tokenizer.json</c>'s <c>added_tokens</c> (such as &lt;|im_end|&gt; or &lt;think&gt;): matched as a
/// whole wherever its text appears, before any splitting or merging.
/// </summary>
/// <param name="Id">Its id.</param>
/// <param name="Content">Its text.</param>
/// <param name="Special">Dropped by decoding with <c>skipSpecialTokens</c> (Qwen3: true for &lt;|im_end|&gt;, false for &lt;think&gt;).</param>
/// <param name="Normalized">Matched in the normalized (NFC) text rather than in the raw text.</param>
public sealed record AddedToken(int Id, string Content, bool Special, bool Normalized);

/// <summary>Finds added tokens in text, leftmost and then longest first, as Hugging Face's added vocabulary does.</summary>
internal sealed class AddedTokenMatcher
{
    readonly Dictionary<char, AddedToken[]> byFirstChar;

    public AddedTokenMatcher(IEnumerable<AddedToken> tokens)
    {
        byFirstChar = tokens.Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
    }

    public bool IsEmpty => byFirstChar.Count == 0;

    /// <summary>Splits s[start..end) into gaps (Token null) and added tokens, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: skip tier-0 so a short run is not slowed by the JIT
    public void Split(string s, List<(int Start, int Length, AddedToken? Token)> parts)
    {
        int gap = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (!byFirstChar.TryGetValue(s[i], out var candidates)) continue;
            foreach (var t in candidates)
            {
                if (string.CompareOrdinal(s, i, t.Content, 0, t.Content.Length) != 0) continue;
                if (i > gap) parts.Add((gap, i - gap, null));
                parts.Add((i, t.Content.Length, t));
                i += t.Content.Length - 1;
                gap = i + 1;
                break;
            }
        }
        if (s.Length > gap) parts.Add((gap, s.Length - gap, null));
    }
}
