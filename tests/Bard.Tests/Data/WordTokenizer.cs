using Bard.Text;

namespace Bard.Tests.Data;

/// <summary>Test double: one token per whitespace-separated word, so token counts can be computed by hand.</summary>
internal sealed class WordTokenizer : ITokenizer
{
    public int VocabSize => 1;
    public int[] Encode(string text) => new int[CountTokens(text)];
    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = false) => throw new NotSupportedException();
    public int CountTokens(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
    public int? TokenToId(string token) => null;
}
