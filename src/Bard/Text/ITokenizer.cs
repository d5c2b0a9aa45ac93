namespace Bard.Text;

/// <summary>
/// Text to token ids and back, in one model's vocabulary. A thinking budget is counted in these ids,
/// so every budget in Bard is only as right as the tokenizer behind it.
/// </summary>
public interface ITokenizer
{
    /// <summary>Number of ids, added and special tokens included.</summary>
    int VocabSize { get; }

    /// <summary>Encodes text; added and special tokens written in the text are recognised as such. Adds no BOS/EOS.</summary>
    int[] Encode(string text);

    /// <summary>Decodes ids to text; special tokens are dropped when <paramref name="skipSpecialTokens"/> is set.</summary>
    string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = false);

    /// <summary>Number of tokens <see cref="Encode"/> would return.</summary>
    int CountTokens(string text);

    /// <summary>The id of a token string (a special token such as &lt;think&gt;), or null when the vocabulary lacks it.</summary>
    int? TokenToId(string token);
}
