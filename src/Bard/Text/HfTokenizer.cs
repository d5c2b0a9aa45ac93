using System.Runtime.CompilerServices;
using System.Text;

namespace Bard.Text;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c> run in .NET: byte-level BPE of the Qwen2/Qwen3/Llama-3 kind (NFC,
/// regex split, byte-level mapping, added and special tokens recognised in text) and Bard's own
/// character-level BPE (<see cref="CharTokenizerBuilder"/>). Ids match Hugging Face <c>tokenizers</c>
/// exactly; any component we cannot reproduce exactly is refused when the file is loaded
/// (see <see cref="TokenizerJsonReader"/>). Thread-safe. Knows nothing about chat templates: see
/// <see cref="ChatTemplate"/> and <see cref="TokenizerConfig"/>.
/// </summary>
public sealed class HfTokenizer : ITokenizer
{
    readonly BpeModel model;
    readonly string[] idToToken;
    readonly byte[][] idToBytes;
    readonly bool[] isSpecial;
    readonly bool nfc;
    readonly PreTokenizerPattern? pattern;
    readonly AddedTokenMatcher rawMatcher, normalizedMatcher;
    readonly Dictionary<string, int> tokenToId = new(StringComparer.Ordinal);

    HfTokenizer(TokenizerJsonReader.Parts parts, TokenizerConfig? config)
    {
        model = parts.Model;
        idToToken = parts.IdToToken;
        nfc = parts.Nfc;
        pattern = parts.Pattern;
        AddedTokens = parts.AddedTokens;
        Config = config;
        isSpecial = new bool[idToToken.Length];
        idToBytes = new byte[idToToken.Length][];
        for (int id = 0; id < idToToken.Length; id++)
        {
            string? t = idToToken[id];
            if (t is null) continue;
            tokenToId.TryAdd(t, id);
            idToBytes[id] = model.IsByteLevel ? ByteLevel.DecodeToken(t) : Encoding.UTF8.GetBytes(t);
        }
        foreach (var a in AddedTokens)
        {
            isSpecial[a.Id] = a.Special;
            idToBytes[a.Id] = model.IsByteLevel ? ByteLevel.DecodeToken(a.Content) : Encoding.UTF8.GetBytes(a.Content);
            tokenToId[a.Content] = a.Id;
        }
        rawMatcher = new AddedTokenMatcher(AddedTokens.Where(a => !a.Normalized));
        normalizedMatcher = new AddedTokenMatcher(AddedTokens.Where(a => a.Normalized));
    }

    /// <summary>
    /// Loads <c>tokenizer.json</c> from a folder (with its <c>tokenizer_config.json</c> when present) or from the file itself.
    /// Throws <see cref="BardException"/> naming the file and component when the tokenizer is of a kind we do not support.
    /// </summary>
    public static HfTokenizer Load(string path)
    {
        string dir = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;
        string file = Directory.Exists(path) ? Path.Combine(path, "tokenizer.json") : path;
        if (!File.Exists(file))
            throw new BardException($"{file}: not found. Pass the folder of a Hugging Face checkpoint that has a tokenizer.json.");
        var config = File.Exists(Path.Combine(dir, "tokenizer_config.json")) ? TokenizerConfig.Load(dir) : null;
        return new HfTokenizer(TokenizerJsonReader.Read(File.ReadAllText(file), file), config);
    }

    /// <summary>Builds a tokenizer from the text of a <c>tokenizer.json</c>; <paramref name="source"/> names it in errors.</summary>
    public static HfTokenizer FromJson(string tokenizerJson, string source = "tokenizer.json", TokenizerConfig? config = null) =>
        new(TokenizerJsonReader.Read(tokenizerJson, source), config);

    /// <summary>The <c>tokenizer_config.json</c> loaded beside the tokenizer (chat template, eos, pad), or null.</summary>
    public TokenizerConfig? Config { get; }

    /// <summary>The added tokens, special or not, in file order.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <inheritdoc/>
    public int VocabSize => idToToken.Length;

    /// <inheritdoc/>
    public int[] Encode(string text)
    {
        var ids = new List<int>(text.Length / 3 + 4);
        EncodeInto(text, ids);
        return ids.ToArray();
    }

    /// <summary>Encodes each text (in parallel when there are many); the result is in input order.</summary>
    public int[][] EncodeBatch(IReadOnlyList<string> texts)
    {
        var result = new int[texts.Count][];
        if (texts.Count < 16) { for (int i = 0; i < texts.Count; i++) result[i] = Encode(texts[i]); }
        else Parallel.For(0, texts.Count, i => result[i] = Encode(texts[i]));
        return result;
    }

    /// <inheritdoc/>
    public int CountTokens(string text)
    {
        var ids = new List<int>(text.Length / 3 + 4);
        EncodeInto(text, ids);
        return ids.Count;
    }

    /// <inheritdoc/>
    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = false)
    {
        // Ids without a token (a model's padded vocabulary rows) are skipped, as tokenizers' decode does.
        var bytes = new List<byte>(ids.Count * 4);
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)idToBytes.Length || idToBytes[id] is null) continue;
            if (skipSpecialTokens && isSpecial[id]) continue;
            bytes.AddRange(idToBytes[id]);
        }
        // Invalid UTF-8 (a cut multi-byte character) becomes U+FFFD, like Rust's from_utf8_lossy.
        return Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes));
    }

    /// <inheritdoc/>
    public int? TokenToId(string token) => tokenToId.TryGetValue(token, out int id) ? id : null;

    /// <summary>The token string of an id (byte-level form, e.g. "Ġworld"), or null when the id has none.</summary>
    public string? IdToToken(int id) => (uint)id < (uint)idToToken.Length ? idToToken[id] : null;

    /// <summary>True for ids of added tokens marked special (dropped by <c>Decode(ids, skipSpecialTokens: true)</c>).</summary>
    public bool IsSpecial(int id) => (uint)id < (uint)isSpecial.Length && isSpecial[id];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: skip tier-0 so a short run is not slowed by the JIT
    void EncodeInto(string text, List<int> ids)
    {
        if (text.Length == 0) return;
        var parts = new List<(int Start, int Length, AddedToken? Token)>();
        if (rawMatcher.IsEmpty) parts.Add((0, text.Length, null));
        else rawMatcher.Split(text, parts);
        var pieces = new List<(int Start, int Length)>();
        foreach (var (start, length, token) in parts)
        {
            if (token is not null) { ids.Add(token.Id); continue; }
            string segment = text.Substring(start, length);
            if (nfc) segment = Nfc(segment);
            if (normalizedMatcher.IsEmpty) EncodeSegment(segment, 0, segment.Length, ids, pieces);
            else
            {
                var inner = new List<(int Start, int Length, AddedToken? Token)>();
                normalizedMatcher.Split(segment, inner);
                foreach (var (s2, l2, t2) in inner)
                {
                    if (t2 is not null) ids.Add(t2.Id);
                    else EncodeSegment(segment, s2, l2, ids, pieces);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static string Nfc(string s)
    {
        // Every character below U+0300 is a starter that NFC leaves alone: most text needs no ICU call.
        if (!s.AsSpan().ContainsAnyInRange('\u0300', '\uFFFF')) return s;
        try { return s.IsNormalized(NormalizationForm.FormC) ? s : s.Normalize(NormalizationForm.FormC); }
        catch (ArgumentException)
        {
            // .NET refuses to normalize text holding U+FFFE or a lone surrogate. Both are starters that compose with
            // nothing, so normalizing the text between them piece by piece is exact; a lone surrogate becomes U+FFFD,
            // which is what its UTF-8 bytes would be anyway.
            var sb = new StringBuilder(s.Length);
            int start = 0;
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
                if (c != '\uFFFE' && !char.IsSurrogate(c)) continue;
                sb.Append(s.AsSpan(start, i - start).ToString().Normalize(NormalizationForm.FormC));
                sb.Append(c == '\uFFFE' ? c : '\uFFFD');
                start = i + 1;
            }
            sb.Append(s[start..].Normalize(NormalizationForm.FormC));
            return sb.ToString();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void EncodeSegment(string s, int start, int length, List<int> ids, List<(int Start, int Length)> pieces)
    {
        if (pattern is null) { model.Encode(s, start, length, ids); return; }
        pieces.Clear();
        PreTokenizerScanner.Split(s, start, start + length, pattern.Value, pieces);
        foreach (var (ps, pl) in pieces) model.Encode(s, ps, pl, ids);
    }
}
