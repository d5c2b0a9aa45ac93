using System.Text.Json;

namespace Bard.Data;

/// <summary>
/// Reads JSONL files (one JSON object per line; blank lines are ignored). Every bad line is reported with
/// its file and line: the reader stops there (<see cref="BadRecordPolicy.Stop"/>) or skips and counts it.
/// </summary>
public static class JsonlReader
{
    /// <summary>How many skip messages a result keeps.</summary>
    public const int MaxKeptMessages = 20;

    /// <summary>Reads every record of <paramref name="path"/> with <paramref name="format"/>.</summary>
    public static JsonlReadResult<T> Read<T>(string path, IRecordFormat<T> format, BadRecordPolicy policy = BadRecordPolicy.Stop) =>
        Read(path, format.Read, policy);

    /// <summary>Reads every line of <paramref name="path"/> with <paramref name="parse"/>, which throws <see cref="BardException"/> on a bad record.</summary>
    public static JsonlReadResult<T> Read<T>(string path, Func<JsonRecord, T> parse, BadRecordPolicy policy = BadRecordPolicy.Stop)
    {
        if (!File.Exists(path)) throw new BardException($"{path}: file not found. Check the path.");
        var records = new List<T>();
        var messages = new List<string>();
        int skipped = 0;
        int lineNo = 0;
        // Invalid UTF-8 is an error naming the line, not text silently turned into U+FFFD (answers and traces would change).
        using var reader = new Utf8LineReader(path);
        while (reader.ReadLine(lineNo + 1) is { } line)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                records.Add(ParseLine(line, path, lineNo, parse));
            }
            catch (BardException e) when (policy == BadRecordPolicy.Skip)
            {
                skipped++;
                if (messages.Count < MaxKeptMessages) messages.Add(e.Message);
            }
        }
        return new JsonlReadResult<T>(records, skipped, messages);
    }

    static T ParseLine<T>(string line, string path, int lineNo, Func<JsonRecord, T> parse)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new BardException($"{path}:{lineNo}: not valid JSON ({e.Message}). Each line must hold one JSON object; "
                + "fix or delete the line, or pass --skip-bad to skip such lines.");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new BardException($"{path}:{lineNo}: expected a JSON object, got {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}.");
            return parse(new JsonRecord(doc.RootElement, path, lineNo));
        }
    }

    /// <summary>Lines of a file decoded as strict UTF-8, one at a time (so a bad byte is reported on its own line).</summary>
    sealed class Utf8LineReader(string path) : IDisposable
    {
        static readonly System.Text.UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        readonly BufferedStream stream = new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite), 1 << 16);
        readonly MemoryStream line = new();
        bool first = true;

        public string? ReadLine(int lineNo)
        {
            line.SetLength(0);
            int b;
            bool any = false;
            while ((b = stream.ReadByte()) >= 0)
            {
                any = true;
                if (b == '\n') break;
                line.WriteByte((byte)b);
            }
            if (!any) return null;
            var bytes = line.GetBuffer().AsSpan(0, (int)line.Length);
            if (bytes.Length > 0 && bytes[^1] == '\r') bytes = bytes[..^1];
            if (first && bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) bytes = bytes[3..]; // a byte-order mark
            first = false;
            try { return Strict.GetString(bytes); }
            catch (System.Text.DecoderFallbackException e)
            {
                throw new BardException($"{path}:{lineNo}: not valid UTF-8 (byte {e.Index + 1} of the line). JSONL files must be UTF-8; "
                    + "re-encode the file (e.g. iconv -f LATIN1 -t UTF-8) or fix the bytes on that line.");
            }
        }

        public void Dispose() { stream.Dispose(); line.Dispose(); }
    }
}
