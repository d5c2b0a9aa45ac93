namespace Bard.Text;

/// <summary>
/// The GPT-2 byte-to-character table of byte-level BPE: every byte 0..255 is written as one printable
/// character, so that vocabularies can be stored as JSON strings ("Ġ" is the space byte 0x20).
/// Knows nothing about merges or vocabularies.
/// </summary>
public static class ByteLevel
{
    static readonly char[] ByteToCharTable = BuildTable();
    static readonly Dictionary<char, byte> CharToByteTable =
        Enumerable.Range(0, 256).ToDictionary(b => ByteToCharTable[b], b => (byte)b);

    /// <summary>The character that stands for <paramref name="b"/> in a byte-level vocabulary.</summary>
    public static char ByteToChar(byte b) => ByteToCharTable[b];

    /// <summary>The byte a byte-level character stands for, or false when <paramref name="c"/> is not one of the 256.</summary>
    public static bool TryCharToByte(char c, out byte b) => CharToByteTable.TryGetValue(c, out b);

    /// <summary>Byte-level string of UTF-8 bytes ("Ġworld" for " world").</summary>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        return string.Create(bytes.Length, bytes.ToArray(), static (span, arr) =>
        {
            for (int i = 0; i < arr.Length; i++) span[i] = ByteToCharTable[arr[i]];
        });
    }

    /// <summary>
    /// The bytes a token string stands for, as Hugging Face's ByteLevel decoder reads it: every character
    /// mapped back to its byte, or, when any character is not one of the 256 (an added token such as
    /// "&lt;think&gt;" written in plain characters is fine; one with other characters is not), the token's own UTF-8.
    /// </summary>
    public static byte[] DecodeToken(string token)
    {
        var bytes = new byte[token.Length];
        for (int i = 0; i < token.Length; i++)
        {
            if (!CharToByteTable.TryGetValue(token[i], out bytes[i])) return System.Text.Encoding.UTF8.GetBytes(token);
        }
        return bytes;
    }

    static char[] BuildTable()
    {
        // bytes_to_unicode() of GPT-2: printable Latin-1 bytes map to themselves, the other 68 bytes to U+0100 upwards.
        var table = new char[256];
        var printable = new bool[256];
        for (int b = '!'; b <= '~'; b++) printable[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) printable[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) printable[b] = true;
        int next = 0;
        for (int b = 0; b < 256; b++) table[b] = printable[b] ? (char)b : (char)(256 + next++);
        return table;
    }
}
