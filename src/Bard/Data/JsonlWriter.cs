using System.Buffers;
using System.Text.Json;

namespace Bard.Data;

/// <summary>
/// Appends records to a JSONL file, one line each, flushed as it goes, so that an interrupted run keeps
/// what it wrote. Opened on an existing file, it first repairs the last line when it has no final newline: a
/// complete record (a hand-made file, an editor that drops the last newline) gets its newline and is kept; only a
/// line that does not read as a record (a write that was interrupted) is cut off, moved to <c>FILE.torn</c> and
/// reported. Then it remembers the keys already there: <see cref="TryAppend"/> skips them, so a re-run resumes
/// without duplicates.
/// </summary>
public sealed class JsonlWriter<T> : IDisposable
{
    readonly IRecordFormat<T> _format;
    readonly FileStream _stream;
    readonly HashSet<string> _keys;
    readonly ArrayBufferWriter<byte> _buffer = new();

    JsonlWriter(IRecordFormat<T> format, FileStream stream, HashSet<string> keys, int existing, bool repaired)
    {
        _format = format;
        _stream = stream;
        _keys = keys;
        ExistingCount = existing;
        RepairedPartialLine = repaired;
    }

    /// <summary>Records that were already in the file when it was opened.</summary>
    public int ExistingCount { get; }

    /// <summary>Whether a partial last line (an interrupted write) was removed on opening (and moved to <c>FILE.torn</c>).</summary>
    public bool RepairedPartialLine { get; }

    /// <summary>Records appended by this writer.</summary>
    public int AppendedCount { get; private set; }

    /// <summary>
    /// Opens <paramref name="path"/> for appending, creating it (and its folder) when absent. A torn last line is reported
    /// through <paramref name="warn"/> (default: standard error), never dropped silently.
    /// </summary>
    public static JsonlWriter<T> Open(string path, IRecordFormat<T> format, Action<string>? warn = null)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        string? torn = File.Exists(path) ? RepairLastLine(path, format) : null;
        if (torn is not null) (warn ?? Console.Error.WriteLine)(torn);
        bool repaired = torn is not null;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        int existing = 0;
        if (File.Exists(path) && new FileInfo(path).Length > 0)
        {
            foreach (var r in JsonlReader.Read(path, format).Records)
            {
                keys.Add(format.Key(r));
                existing++;
            }
        }
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        return new JsonlWriter<T>(format, stream, keys, existing, repaired);
    }

    /// <summary>Whether a record with this key is in the file (written before or by this writer).</summary>
    public bool Contains(string key) => _keys.Contains(key);

    /// <summary>Appends the record unless its key is already in the file; returns whether it was written.</summary>
    public bool TryAppend(T record)
    {
        if (!_keys.Add(_format.Key(record))) return false;
        _buffer.Clear();
        using (var json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            _format.Write(json, record);
        _buffer.Write("\n"u8);
        _stream.Write(_buffer.WrittenSpan);
        _stream.Flush();
        AppendedCount++;
        return true;
    }

    public void Dispose() => _stream.Dispose();

    /// <summary>
    /// Repairs a last line without a final newline: a complete record gets its newline; anything else (an interrupted
    /// write) is cut off and appended to <c>FILE.torn</c>. Returns the message to report for a cut, else null.
    /// </summary>
    static string? RepairLastLine(string path, IRecordFormat<T> format)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        if (fs.Length == 0) return null;
        long pos = fs.Length;
        var one = new byte[1];
        while (pos > 0)
        {
            fs.Position = pos - 1;
            fs.ReadExactly(one);
            if (one[0] == (byte)'\n') break;
            pos--;
        }
        if (pos == fs.Length) return null;
        var tail = new byte[fs.Length - pos];
        fs.Position = pos;
        fs.ReadExactly(tail);
        string text = System.Text.Encoding.UTF8.GetString(tail);
        if (string.IsNullOrWhiteSpace(text)) { fs.SetLength(pos); return null; }
        if (IsRecord(text, path, format))
        {
            fs.Position = fs.Length;
            fs.WriteByte((byte)'\n');
            return null;
        }
        string tornPath = path + ".torn";
        using (var torn = new FileStream(tornPath, FileMode.Append, FileAccess.Write))
        {
            torn.Write(tail);
            torn.WriteByte((byte)'\n');
        }
        fs.SetLength(pos);
        string preview = text.Length > 60 ? text[..57] + "..." : text;
        return $"{path}: its last line ({tail.Length} bytes, no final newline) is not a complete {format.Schema} record, so an "
            + $"interrupted write; it was removed from the file and kept in {tornPath}: '{preview}'";
    }

    static bool IsRecord(string line, string path, IRecordFormat<T> format)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return false;
            format.Read(new JsonRecord(doc.RootElement, path, 0));
            return true;
        }
        catch (Exception e) when (e is JsonException or BardException) { return false; }
    }
}
