using System.Runtime.CompilerServices;
using System.Text;

namespace Bard.Text;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c> run in .NET: BPE tokenizers of every common kind — byte-level (Qwen2/Qwen3,
/// Llama 3, DeepSeek V3, gpt-oss, GPT-2), SentencePiece-style with byte fallback (Llama 2, Gemma) and Bard's own
/// character-level BPE (<see cref="CharTokenizerBuilder"/>). Ids and decodings match Hugging Face <c>tokenizers</c>
/// exactly; any component we cannot reproduce exactly is refused when the file is loaded (see
/// <see cref="TokenizerJsonReader"/>). The known byte-level split regexes run on hand-written scanners (the fast path);
/// everything else on the general pipeline of <see cref="Normalizer"/>, <see cref="PreTokenizer"/> and <see cref="Decoder"/>.
/// Thread-safe. Knows nothing about chat templates: see <see cref="ChatTemplate"/> and <see cref="TokenizerConfig"/>.
/// </summary>
public sealed class HfTokenizer : ITokenizer
{
    readonly BpeModel model;
    readonly string[] idToToken;
    readonly byte[][] idToBytes;
    readonly bool[] isSpecial;
    readonly bool nfc;
    readonly PreTokenizerPattern? pattern;
    readonly TokenizerJsonReader.Pipeline? general;
    readonly PostProcessor? post;
    readonly string? postError;
    readonly AddedTokenMatcher rawMatcher, normalizedMatcher;
    readonly Dictionary<string, int> tokenToId = new(StringComparer.Ordinal);

    HfTokenizer(TokenizerJsonReader.Parts parts, TokenizerConfig? config)
    {
        model = parts.Model;
        idToToken = parts.IdToToken;
        nfc = parts.Nfc;
        pattern = parts.Pattern;
        general = parts.General;
        post = parts.Post;
        postError = parts.PostError;
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

    /// <summary>
    /// Encodes <paramref name="text"/>; with <paramref name="addSpecialTokens"/> the post-processor's special tokens are added around it
    /// (Llama's and Gemma's BOS), as tokenizers' <c>encode(text, add_special_tokens=True)</c> does. Throws when the file's post-processor
    /// is one Bard does not implement.
    /// </summary>
    public int[] Encode(string text, bool addSpecialTokens)
    {
        var ids = Encode(text);
        if (!addSpecialTokens) return ids;
        return (post ?? throw new BardException(postError ?? "the tokenizer's post-processor could not be read.")).Apply(ids);
    }

    /// <summary>True when the tokenizer runs on the general path (any normalizer, pre-tokenizer and decoder) rather than the byte-level fast path.</summary>
    public bool IsGeneralPath => general is not null;

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
        if (general is not null)
        {
            var tokens = new List<string>(ids.Count);
            foreach (int id in ids)
            {
                if ((uint)id >= (uint)idToToken.Length || idToToken[id] is not { } token) continue;
                if (skipSpecialTokens && isSpecial[id]) continue;
                tokens.Add(token);
            }
            return string.Concat(general.Decoder.Apply(tokens));
        }
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
        if (general is not null) { EncodeGeneral(text, parts, ids); return; }
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

    // The general path: each stretch between added tokens is normalized, split around normalized added tokens, pre-tokenized
    // into pieces and each piece encoded by the model, as tokenizers' pipeline does.
    void EncodeGeneral(string text, List<(int Start, int Length, AddedToken? Token)> parts, List<int> ids)
    {
        var pieces = new List<Piece>();
        var inner = new List<(int Start, int Length, AddedToken? Token)>();
        foreach (var (start, length, token) in parts)
        {
            if (token is not null) { ids.Add(token.Id); continue; }
            string segment = text.Substring(start, length);
            if (general!.Normalizer is { } normalizer) segment = normalizer.Apply(segment);
            inner.Clear();
            if (normalizedMatcher.IsEmpty) inner.Add((0, segment.Length, null));
            else normalizedMatcher.Split(segment, inner);
            foreach (var (s2, l2, t2) in inner)
            {
                if (t2 is not null) { ids.Add(t2.Id); continue; }
                if (l2 == 0) continue;
                pieces.Clear();
                pieces.Add(new Piece(segment.Substring(s2, l2), start == 0 && s2 == 0));
                general.PreTokenizer?.Apply(pieces);
                foreach (var p in pieces) model.Encode(p.Text, 0, p.Text.Length, ids);
            }
        }
    }

    static string Nfc(string s) => Normalizer.Normalize(s, NormalizationForm.FormC);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void EncodeSegment(string s, int start, int length, List<int> ids, List<(int Start, int Length)> pieces)
    {
        if (pattern is null) { model.Encode(s, start, length, ids); return; }
        pieces.Clear();
        PreTokenizerScanner.Split(s, start, start + length, pattern.Value, pieces);
        foreach (var (ps, pl) in pieces) model.Encode(s, ps, pl, ids);
    }
}
