using System.Runtime.CompilerServices;
using System.Collections.Concurrent;
using System.Text;

namespace Bard.Text;

/// <summary>
/// The BPE model of a <c>tokenizer.json</c>: a vocabulary and ranked merges applied to one pre-token at a
/// time. Byte-level (GPT-2 / Qwen / Llama-3: the pre-token's UTF-8 bytes are the initial symbols) or
/// character-level (each code point is a symbol). Knows nothing about added tokens or normalization.
/// </summary>
internal sealed class BpeModel
{
    readonly Dictionary<string, int> vocab;
    readonly Dictionary<long, (int Rank, int Id)> merges;
    readonly int[] byteIds = new int[256];
    readonly bool ignoreMerges;
    readonly int? unkId;
    readonly ConcurrentDictionary<string, int[]> cache = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> cacheBySpan;
    int cacheSize;
    const int MaxCachedLength = 48, MaxCacheEntries = 200_000;

    public bool IsByteLevel { get; }

    readonly bool byteFallback, fuseUnk;
    readonly string? prefix, suffix;
    readonly int[]? fallbackIds; // byte → id of its <0xXX> token, when byte_fallback and the vocabulary has all 256

    /// <param name="vocab">Token → id.</param>
    /// <param name="mergeList">Merges, best first.</param>
    /// <param name="byteLevel">Symbols are UTF-8 bytes (GPT-2's table) rather than code points.</param>
    /// <param name="ignoreMerges">A piece that is itself in the vocabulary is that token (Llama 3, gpt-oss).</param>
    /// <param name="unkToken">The token of characters outside the vocabulary, or null.</param>
    /// <param name="source">Names the file in errors.</param>
    /// <param name="byteFallback">SentencePiece-style: a character outside the vocabulary becomes its UTF-8 bytes as &lt;0xXX&gt; tokens.</param>
    /// <param name="fuseUnk">Consecutive unknown characters become one unk token.</param>
    /// <param name="continuingSubwordPrefix">Prefix of every symbol but a word's first (e.g. "##"); null or empty: none.</param>
    /// <param name="endOfWordSuffix">Suffix of a word's last symbol (e.g. "&lt;/w&gt;"); null or empty: none.</param>
    public BpeModel(Dictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> mergeList,
        bool byteLevel, bool ignoreMerges, string? unkToken, string source,
        bool byteFallback = false, bool fuseUnk = false, string? continuingSubwordPrefix = null, string? endOfWordSuffix = null)
    {
        this.vocab = vocab;
        this.byteFallback = byteFallback;
        this.fuseUnk = fuseUnk;
        prefix = string.IsNullOrEmpty(continuingSubwordPrefix) ? null : continuingSubwordPrefix;
        suffix = string.IsNullOrEmpty(endOfWordSuffix) ? null : endOfWordSuffix;
        if (byteFallback && !byteLevel)
        {
            var ids = new int[256];
            bool all = true;
            for (int b = 0; b < 256 && all; b++) all = vocab.TryGetValue($"<0x{b:X2}>", out ids[b]);
            fallbackIds = all ? ids : null;
        }
        cacheBySpan = cache.GetAlternateLookup<ReadOnlySpan<char>>();
        IsByteLevel = byteLevel;
        this.ignoreMerges = ignoreMerges;
        if (unkToken is not null)
        {
            if (!vocab.TryGetValue(unkToken, out int u))
                throw new BardException($"{source}: model.unk_token '{unkToken}' is not in model.vocab; add it to the vocabulary or set unk_token to null.");
            unkId = u;
        }
        merges = new Dictionary<long, (int, int)>(mergeList.Count, PairComparer.Instance);
        for (int r = 0; r < mergeList.Count; r++)
        {
            var (a, b) = mergeList[r];
            // With a continuing-subword prefix the right part carries it ("##b") and the merged token does not repeat it ("a" + "b").
            string joined = prefix is not null && b.StartsWith(prefix, StringComparison.Ordinal) ? a + b[prefix.Length..] : a + b;
            if (!vocab.TryGetValue(a, out int ia) || !vocab.TryGetValue(b, out int ib) || !vocab.TryGetValue(joined, out int im))
                throw new BardException($"{source}: merge {r} ('{a}' '{b}') uses a token that is not in model.vocab; the file is inconsistent.");
            merges.TryAdd(Key(ia, ib), (r, im)); // the first (lowest) rank wins, as in tokenizers
        }
        if (byteLevel)
        {
            for (int b = 0; b < 256; b++)
            {
                if (!vocab.TryGetValue(ByteLevel.ByteToChar((byte)b).ToString(), out byteIds[b]))
                    throw new BardException($"{source}: byte-level vocabulary lacks the token for byte 0x{b:X2}; such a tokenizer cannot encode every text.");
            }
        }
    }

    static long Key(int a, int b) => ((long)a << 32) | (uint)b;

    // long.GetHashCode() is high ^ low, which for (left id, right id) pairs piles Qwen3's 151,387 merges into 55,204
    // buckets (chains of up to 444): a multiplicative mix spreads them.
    sealed class PairComparer : IEqualityComparer<long>
    {
        public static readonly PairComparer Instance = new();
        public bool Equals(long x, long y) => x == y;
        public int GetHashCode(long key) => (int)((ulong)key * 0x9E3779B97F4A7C15UL >> 32);
    }

    /// <summary>Appends the ids of one pre-token.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: skip tier-0 so a short run is not slowed by the JIT
    public void Encode(string text, int start, int length, List<int> output)
    {
        if (length <= MaxCachedLength)
        {
            if (!cacheBySpan.TryGetValue(text.AsSpan(start, length), out var ids))
            {
                string piece = text.Substring(start, length);
                ids = EncodeUncached(piece);
                // ConcurrentDictionary.Count takes every lock, so the size is counted here.
                if (Interlocked.Increment(ref cacheSize) > MaxCacheEntries) { cache.Clear(); Interlocked.Exchange(ref cacheSize, 0); }
                cache.TryAdd(piece, ids);
            }
            output.AddRange(ids);
            return;
        }
        output.AddRange(EncodeUncached(text.Substring(start, length)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    int[] EncodeUncached(string piece)
    {
        List<int> symbols;
        if (IsByteLevel)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(piece);
            if (ignoreMerges && vocab.TryGetValue(ByteLevel.Encode(bytes), out int whole)) return [whole];
            symbols = new List<int>(bytes.Length);
            foreach (byte b in bytes) symbols.Add(byteIds[b]);
            return symbols.Count > LongPiece ? MergeLong(symbols) : Merge(symbols);
        }
        else
        {
            if (ignoreMerges && vocab.TryGetValue(piece, out int whole)) return [whole];
            symbols = new List<int>(piece.Length);
            var runes = piece.EnumerateRunes().ToList();
            bool previousUnk = false;
            Span<byte> utf8 = stackalloc byte[4];
            for (int k = 0; k < runes.Count; k++)
            {
                var rune = runes[k];
                string sym = rune.ToString();
                if (prefix is not null && k > 0) sym = prefix + sym;
                if (suffix is not null && k == runes.Count - 1) sym += suffix;
                if (vocab.TryGetValue(sym, out int id)) { symbols.Add(id); previousUnk = false; continue; }
                if (fallbackIds is not null)
                {
                    // tokenizers: every UTF-8 byte as its <0xXX> token; they take part in merges like any symbol.
                    int n = rune.EncodeToUtf8(utf8);
                    for (int j = 0; j < n; j++) symbols.Add(fallbackIds[utf8[j]]);
                    previousUnk = false;
                    continue;
                }
                int unk = unkId ?? throw new BardException(
                    $"character U+{rune.Value:X4} is not in the tokenizer's vocabulary and the tokenizer has no unk_token; "
                    + "rebuild the tokenizer with this character in its alphabet.");
                if (fuseUnk && previousUnk) continue; // fused into the unk before it
                symbols.Add(unk);
                previousUnk = true;
            }
        }
        return symbols.Count > LongPiece ? MergeLong(symbols) : Merge(symbols);
    }

    // Merges the lowest-ranked adjacent pair (leftmost on ties) until none is left: the order of tokenizers'
    // priority queue. Symbols form a linked list and each keeps the rank of the pair it starts, so a merge costs
    // two dictionary look-ups and finding the next one a scan of ints (long runs, such as indentation, stay cheap).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    int[] Merge(List<int> symbols)
    {
        int n = symbols.Count;
        if (n < 2) return symbols.ToArray();
        var sym = symbols.ToArray();
        var next = new int[n];
        var rank = new int[n];
        var merged = new int[n];
        for (int i = 0; i < n; i++) next[i] = i + 1;
        void Pair(int i)
        {
            if (next[i] < n && merges.TryGetValue(Key(sym[i], sym[next[i]]), out var m)) { rank[i] = m.Rank; merged[i] = m.Id; }
            else rank[i] = int.MaxValue;
        }
        for (int i = 0; i < n; i++) Pair(i);
        int live = n;
        while (live > 1)
        {
            int best = -1, bestRank = int.MaxValue, bestPrev = -1, prev = -1;
            for (int i = 0; i < n; i = next[i])
            {
                if (rank[i] < bestRank) { bestRank = rank[i]; best = i; bestPrev = prev; }
                prev = i;
            }
            if (best < 0) break;
            sym[best] = merged[best];
            next[best] = next[next[best]];
            live--;
            Pair(best);
            if (bestPrev >= 0) Pair(bestPrev);
        }
        var result = new int[live];
        for (int i = 0, k = 0; i < n; i = next[i]) result[k++] = sym[i];
        return result;
    }

    /// <summary>Above this many symbols the merge loop uses a priority queue (a SentencePiece-style tokenizer's piece can be a whole paragraph).</summary>
    const int LongPiece = 256;

    // The same merges as Merge, found with a priority queue of (rank, position) instead of a scan: tokenizers' own algorithm.
    // Entries are checked when popped, since a merge next to them may have changed the pair they stand for.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    int[] MergeLong(List<int> symbols)
    {
        int n = symbols.Count;
        var sym = symbols.ToArray();
        var next = new int[n];
        var prev = new int[n];
        var alive = new bool[n];
        for (int i = 0; i < n; i++) { next[i] = i + 1; prev[i] = i - 1; alive[i] = true; }
        var queue = new PriorityQueue<(int Pos, int Left, int Right), long>();
        void Push(int i)
        {
            if (i < 0 || next[i] >= n) return;
            if (merges.TryGetValue(Key(sym[i], sym[next[i]]), out var m)) queue.Enqueue((i, sym[i], sym[next[i]]), ((long)m.Rank << 32) | (uint)i);
        }
        for (int i = 0; i + 1 < n; i++) Push(i);
        while (queue.TryDequeue(out var top, out _))
        {
            int i = top.Pos;
            if (!alive[i] || next[i] >= n || sym[i] != top.Left || sym[next[i]] != top.Right) continue; // stale
            var m = merges[Key(sym[i], sym[next[i]])];
            int j = next[i];
            sym[i] = m.Id;
            alive[j] = false;
            next[i] = next[j];
            if (next[j] < n) prev[next[j]] = i;
            Push(i);
            if (prev[i] >= 0) Push(prev[i]);
        }
        var result = new List<int>();
        for (int i = 0; i < n; i = next[i]) result.Add(sym[i]);
        return result.ToArray();
    }
}
