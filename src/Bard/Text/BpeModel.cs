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

    public BpeModel(Dictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> mergeList,
        bool byteLevel, bool ignoreMerges, string? unkToken, string source)
    {
        this.vocab = vocab;
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
            if (!vocab.TryGetValue(a, out int ia) || !vocab.TryGetValue(b, out int ib) || !vocab.TryGetValue(a + b, out int im))
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
        }
        else
        {
            if (ignoreMerges && vocab.TryGetValue(piece, out int whole)) return [whole];
            symbols = new List<int>(piece.Length);
            foreach (var rune in piece.EnumerateRunes())
            {
                if (vocab.TryGetValue(rune.ToString(), out int id)) symbols.Add(id);
                else symbols.Add(unkId ?? throw new BardException(
                    $"character U+{rune.Value:X4} is not in the tokenizer's vocabulary and the tokenizer has no unk_token; "
                    + "rebuild the tokenizer with this character in its alphabet."));
            }
        }
        return Merge(symbols);
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
}
