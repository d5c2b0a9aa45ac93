using System.Text.Json;

namespace Bard.Data;

/// <summary>How one record type is written to and read from a JSONL line, and the key that makes a re-run skip it.</summary>
public interface IRecordFormat<T>
{
    /// <summary>Schema name used in messages and docs (<c>problem</c>, <c>teacher_trace</c>, <c>budgeted_sample</c>).</summary>
    string Schema { get; }

    /// <summary>The version this Bard writes (the <c>schema_version</c> field).</summary>
    int Version { get; }

    /// <summary>Identity of a record for resuming: a re-run does not append a record whose key is already in the file.</summary>
    string Key(T record);

    /// <summary>Writes the record as one JSON object (the writer adds the newline).</summary>
    void Write(Utf8JsonWriter json, T record);

    /// <summary>Reads a record; throws <see cref="BardException"/> naming the field on bad input.</summary>
    T Read(JsonRecord record);
}
