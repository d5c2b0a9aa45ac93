using System.Text;
using Bard.Serving;
using Bard.Text;

namespace Bard.Tests.Serving;

public sealed class IncrementalDecoderTests
{
    /// <summary>One token per UTF-8 byte (id = byte value), so characters beyond ASCII span several tokens; 300 is a special token.</summary>
    sealed class ByteTokenizer : ITokenizer
    {
        public int VocabSize => 301;
        public int[] Encode(string text) => Encoding.UTF8.GetBytes(text).Select(b => (int)b).ToArray();
        public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = false) =>
            Encoding.UTF8.GetString(ids.Where(i => i < 256).Select(i => (byte)i).ToArray()) + (skipSpecialTokens ? "" : string.Concat(ids.Where(i => i == 300).Select(_ => "<s>")));
        public int CountTokens(string text) => Encode(text).Length;
        public int? TokenToId(string token) => token == "<s>" ? 300 : null;
    }

    static List<string> Pieces(IncrementalDecoder d, string text, params int[] extra)
    {
        var pieces = new List<string>();
        foreach (var id in new ByteTokenizer().Encode(text).Concat(extra)) pieces.Add(d.Add(id));
        pieces.Add(d.Finish());
        return pieces;
    }

    [Fact]
    public void Add_MultiByteCharactersAcrossTokens_ReleasedOnlyWhenComplete()
    {
        var pieces = Pieces(new IncrementalDecoder(new ByteTokenizer(), []), "aé€😀b");
        Assert.Equal("aé€😀b", string.Concat(pieces));
        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD'));
        // 'é' is 2 bytes: the first releases nothing, the second the whole character.
        Assert.Equal(["a", "", "é", "", "", "€", "", "", "", "😀", "b", ""], pieces);
    }

    [Fact]
    public void Add_StopString_CutsBeforeIt_HoldsAPossibleStart()
    {
        var d = new IncrementalDecoder(new ByteTokenizer(), ["END"]);
        var pieces = Pieces(d, "abENxENDzz");
        Assert.Equal("abENx", string.Concat(pieces));
        Assert.True(d.Stopped);
        Assert.Equal(["a", "b", "", "", "ENx", "", "", "", "", "", ""], pieces); // "E", "EN" held until "x" shows they were not "END"
    }

    [Fact]
    public void Finish_ReleasesAHeldPartialStopAndSkipsSpecialTokens()
    {
        var d = new IncrementalDecoder(new ByteTokenizer(), ["END"]);
        Assert.Equal("abEN", string.Concat(Pieces(d, "abEN", 300)));
        Assert.False(d.Stopped);
    }
}
