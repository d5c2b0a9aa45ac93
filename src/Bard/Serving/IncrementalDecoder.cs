using Bard.Text;

namespace Bard.Serving;

/// <summary>
/// Turns a growing list of generated token ids into text that can be sent at once and never changes: text that ends
/// in an incomplete UTF-8 character (decoded as U+FFFD) is held until a later token completes it, and text that may be
/// the start of a stop string is held until it is decided. The first stop string found ends the text (the stop string
/// itself is not included). Special tokens are skipped in the text, as vLLM does by default. One instance per choice.
/// </summary>
public sealed class IncrementalDecoder(ITokenizer tokenizer, IReadOnlyList<string> stop)
{
    readonly List<int> ids = [];
    readonly int longestStop = stop.Count == 0 ? 0 : stop.Max(s => s.Length);
    int released;

    /// <summary>The ids added so far.</summary>
    public IReadOnlyList<int> Ids => ids;

    /// <summary>Whether a stop string ended the text (later ids are ignored).</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds one generated id; returns the text it releases ("" when none).</summary>
    public string Add(int id)
    {
        if (Stopped) return "";
        ids.Add(id);
        return Release(final: false);
    }

    /// <summary>Releases everything still held (a trailing incomplete character stays as U+FFFD, a partial stop string as text).</summary>
    public string Finish() => Stopped ? "" : Release(final: true);

    string Release(bool final)
    {
        string text = tokenizer.Decode(ids, skipSpecialTokens: true);
        if (longestStop > 0)
        {
            int from = Math.Max(0, released - longestStop + 1), at = -1;
            foreach (var s in stop)
            {
                int i = text.IndexOf(s, from, StringComparison.Ordinal);
                if (i >= 0 && (at < 0 || i < at)) at = i;
            }
            if (at >= 0)
            {
                Stopped = true;
                string last = at > released ? text[released..at] : "";
                released = Math.Max(released, at);
                return last;
            }
        }
        int limit = text.Length;
        if (!final)
        {
            while (limit > released && text[limit - 1] == '\uFFFD') limit--;
            int held = 0;
            foreach (var s in stop)
                for (int k = Math.Min(s.Length - 1, limit - released); k > held; k--)
                    if (text.AsSpan(limit - k, k).SequenceEqual(s.AsSpan(0, k))) { held = k; break; }
            limit -= held;
        }
        if (limit <= released) return "";
        string piece = text[released..limit];
        released = limit;
        return piece;
    }
}
