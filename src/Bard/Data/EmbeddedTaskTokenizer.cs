using Bard.Text;

namespace Bard.Data;

/// <summary>
/// STAND-IN: a character-level tokenizer over <see cref="Tasks.ChainReasoning.Alphabet"/>, one id per character
/// in alphabet order, no special tokens. It exists only so that the Data layer can count the embedded task's
/// thinking in student tokens before <c>Bard.Text</c>'s character tokenizer is merged; the lead replaces it
/// with that tokenizer (one place: <see cref="Tasks.EmbeddedTask.CreateTokenizer"/>).
/// </summary>
internal sealed class EmbeddedTaskTokenizer : ITokenizer
{
    readonly string _alphabet;
    readonly Dictionary<char, int> _ids;

    public EmbeddedTaskTokenizer(string alphabet)
    {
        _alphabet = alphabet;
        _ids = alphabet.Select((c, i) => (c, i)).ToDictionary(t => t.c, t => t.i);
    }

    public int VocabSize => _alphabet.Length;

    public int[] Encode(string text)
    {
        var ids = new int[text.Length];
        for (int i = 0; i < text.Length; i++) ids[i] = Id(text, i);
        return ids;
    }

    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = false) =>
        new(ids.Select(id => id >= 0 && id < _alphabet.Length ? _alphabet[id] : throw new ArgumentOutOfRangeException(nameof(ids), $"id {id} is outside the vocabulary of {_alphabet.Length}")).ToArray());

    public int CountTokens(string text)
    {
        for (int i = 0; i < text.Length; i++) Id(text, i);
        return text.Length;
    }

    public int? TokenToId(string token) => token.Length == 1 && _ids.TryGetValue(token[0], out int id) ? id : null;

    int Id(string text, int i) => _ids.TryGetValue(text[i], out int id) ? id
        : throw new BardException($"character '{text[i]}' (U+{(int)text[i]:X4}) at position {i} is not in the embedded task's alphabet; "
            + "the character-level tokenizer of the embedded task only covers its own text. Use --tokenizer DIR for other data.");
}
