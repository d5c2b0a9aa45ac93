using System.Buffers;
using System.Text.Json;

namespace Bard.Data;

/// <summary>
/// Appends records to a JSONL file, one line each, flushed as it goes, so that an interrupted run keeps
/// what it wrote. Opened on an existing file, it first cuts off a partial last line (a write that was
/// interrupted), then remembers the keys already there: <see cref="TryAppend"/> skips them, so a re-run
/// resumes without duplicates.
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

    /// <summary>Whether a partial last line (an interrupted write) was removed on opening.</summary>
    public bool RepairedPartialLine { get; }

    /// <summary>Records appended by this writer.</summary>
    public int AppendedCount { get; private set; }

    /// <summary>Opens <paramref name="path"/> for appending, creating it (and its folder) when absent.</summary>
    public static JsonlWriter<T> Open(string path, IRecordFormat<T> format)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        bool repaired = File.Exists(path) && CutPartialLastLine(path);
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

    /// <summary>Truncates the file after its last newline; returns whether anything was cut.</summary>
    static bool CutPartialLastLine(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        if (fs.Length == 0) return false;
        long pos = fs.Length;
        var one = new byte[1];
        while (pos > 0)
        {
            fs.Position = pos - 1;
            fs.ReadExactly(one);
            if (one[0] == (byte)'\n') break;
            pos--;
        }
        if (pos == fs.Length) return false;
        fs.SetLength(pos);
        return true;
    }
}
