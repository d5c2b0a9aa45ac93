namespace Bard.Text;

/// <summary>
/// What a character-level tokenizer for a student trained from scratch holds (see <see cref="CharTokenizerBuilder"/>).
/// Ids: the special tokens first (in order), then the added tokens, then the alphabet's characters in order.
/// </summary>
public sealed record CharTokenizerOptions
{
    /// <summary>Newline and printable ASCII (U+0020..U+007E): enough for arithmetic and most English.</summary>
    public static string PrintableAscii { get; } = "\n" + new string(Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c).ToArray());

    /// <summary>Every character the student may read or write, one token each (duplicates are ignored). Required.</summary>
    public required string Alphabet { get; init; }

    /// <summary>Special tokens (dropped by <c>skip_special_tokens</c>). Default &lt;pad&gt;, &lt;unk&gt;, &lt;|endoftext|&gt;, &lt;|im_start|&gt;, &lt;|im_end|&gt;.</summary>
    public IReadOnlyList<string> SpecialTokens { get; init; } = ["<pad>", "<unk>", "<|endoftext|>", ChatML.ImStart, ChatML.ImEnd];

    /// <summary>Added tokens that are not special (kept by <c>skip_special_tokens</c>, like Qwen3's). Default &lt;think&gt;, &lt;/think&gt;.</summary>
    public IReadOnlyList<string> AddedTokens { get; init; } = ["<think>", "</think>"];

    /// <summary>Padding token; must be one of <see cref="SpecialTokens"/>. Default &lt;pad&gt;.</summary>
    public string PadToken { get; init; } = "<pad>";

    /// <summary>Token for characters outside the alphabet; must be one of <see cref="SpecialTokens"/>. Default &lt;unk&gt;.</summary>
    public string UnkToken { get; init; } = "<unk>";

    /// <summary>End-of-sequence token (where generation stops); must be one of <see cref="SpecialTokens"/>. Default &lt;|im_end|&gt;, as Qwen3's.</summary>
    public string EosToken { get; init; } = ChatML.ImEnd;

    /// <summary>Longest sequence the student is trained for (<c>model_max_length</c>). Default 2048.</summary>
    public int ModelMaxLength { get; init; } = 2048;

    /// <summary>Chat template written to <c>tokenizer_config.json</c>; null writes none. Default <see cref="ChatML.Template"/>.</summary>
    public string? ChatTemplate { get; init; } = ChatML.Template;

    /// <summary>Throws <see cref="BardException"/> naming the field and the fix; returns this.</summary>
    public CharTokenizerOptions Validate()
    {
        if (string.IsNullOrEmpty(Alphabet)) throw new BardException("CharTokenizerOptions.Alphabet is empty: give every character the student may see.");
        foreach (var (field, token) in new[] { ("PadToken", PadToken), ("UnkToken", UnkToken), ("EosToken", EosToken) })
            if (!SpecialTokens.Contains(token)) throw new BardException($"CharTokenizerOptions.{field} '{token}' is not in SpecialTokens; add it there.");
        var all = SpecialTokens.Concat(AddedTokens).ToList();
        if (all.Any(string.IsNullOrEmpty)) throw new BardException("CharTokenizerOptions: special and added tokens must be non-empty.");
        var dup = all.GroupBy(t => t).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new BardException($"CharTokenizerOptions: the token '{dup.Key}' is listed twice.");
        foreach (var t in all)
            if (t.EnumerateRunes().Count() == 1 && Alphabet.Contains(t, StringComparison.Ordinal))
                throw new BardException($"CharTokenizerOptions: '{t}' is both a character of the alphabet and a special token; remove it from one.");
        if (Alphabet.Any(char.IsSurrogate) && !Alphabet.EnumerateRunes().Any())
            throw new BardException("CharTokenizerOptions.Alphabet holds a broken surrogate pair.");
        if (ModelMaxLength <= 0) throw new BardException($"CharTokenizerOptions.ModelMaxLength must be positive; got {ModelMaxLength}.");
        return this;
    }
}
