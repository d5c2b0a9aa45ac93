using System.Globalization;
using System.Text.Json;

namespace Bard.Data;

/// <summary>
/// One JSON object read from a line of a JSONL file, with typed field accessors whose errors name the
/// file, the line and the field. It reads; it knows nothing about which record type the line holds.
/// </summary>
public sealed class JsonRecord
{
    readonly JsonElement _root;

    internal JsonRecord(JsonElement root, string file, int line)
    {
        _root = root;
        File = file;
        Line = line;
    }

    /// <summary>The file the record was read from, as given to the reader.</summary>
    public string File { get; }

    /// <summary>1-based line number.</summary>
    public int Line { get; }

    /// <summary>The raw JSON object.</summary>
    public JsonElement Root => _root;

    /// <summary>"FILE:LINE", the prefix of every message about this record.</summary>
    public string Location => $"{File}:{Line}";

    /// <summary>An error about this record and one of its fields, with the fix.</summary>
    public BardException Error(string field, string problem) =>
        new($"{Location}: field '{field}' {problem}");

    public bool Has(string field) =>
        _root.TryGetProperty(field, out var v) && v.ValueKind != JsonValueKind.Null;

    public string RequiredString(string field)
    {
        if (!_root.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
            throw Error(field, "is missing. Add it, or map another field to it with the command's field options.");
        return AsString(field, v);
    }

    public string? OptionalString(string field) =>
        _root.TryGetProperty(field, out var v) && v.ValueKind != JsonValueKind.Null ? AsString(field, v) : null;

    public int RequiredInt(string field)
    {
        if (!_root.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
            throw Error(field, "is missing; it must be an integer.");
        return AsInt(field, v);
    }

    public int? OptionalInt(string field) =>
        _root.TryGetProperty(field, out var v) && v.ValueKind != JsonValueKind.Null ? AsInt(field, v) : null;

    public bool RequiredBool(string field)
    {
        if (!_root.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
            throw Error(field, "is missing; it must be true or false.");
        return AsBool(field, v);
    }

    public bool? OptionalBool(string field) =>
        _root.TryGetProperty(field, out var v) && v.ValueKind != JsonValueKind.Null ? AsBool(field, v) : null;

    public IReadOnlyList<string>? OptionalStringList(string field)
    {
        if (!_root.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Array) throw Error(field, $"must be a list of strings, got {Describe(v)}.");
        return v.EnumerateArray().Select(e => AsString(field, e)).ToArray();
    }

    /// <summary>Checks the record's <c>schema_version</c>: absent means the current version; a newer one is refused.</summary>
    public void CheckVersion(string schema, int current)
    {
        int? v = OptionalInt(RecordFields.SchemaVersion);
        if (v is { } found && (found < 1 || found > current))
            throw Error(RecordFields.SchemaVersion,
                $"is {found}, but this Bard reads {schema} records of version 1..{current}. Upgrade Bard or regenerate the file.");
    }

    /// <summary>
    /// The text of a JSON string of this record (a field, or an element inside one, named by <paramref name="field"/>).
    /// A lone surrogate escape such as <c>"\ud800"</c> is valid JSON but not text: an error naming the line and field.
    /// </summary>
    public string Text(string field, JsonElement value)
    {
        try { return value.GetString()!; }
        catch (InvalidOperationException) when (value.ValueKind == JsonValueKind.String)
        {
            throw Error(field, "holds a lone surrogate escape (such as \\ud800 without its pair), which is not valid Unicode text. "
                + "Fix the producer of the file, or remove or replace that escape.");
        }
    }

    string AsString(string field, JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => Text(field, v),
        // Answers such as 204 are often written as numbers; keep their exact text.
        JsonValueKind.Number => v.GetRawText(),
        _ => throw Error(field, $"must be a string, got {Describe(v)}."),
    };

    int AsInt(string field, JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i)) return i;
        if (v.ValueKind == JsonValueKind.String && int.TryParse(Text(field, v), NumberStyles.Integer, CultureInfo.InvariantCulture, out i)) return i;
        throw Error(field, $"must be an integer, got {Describe(v)}.");
    }

    bool AsBool(string field, JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Error(field, $"must be true or false, got {Describe(v)}."),
    };

    static string Describe(JsonElement v)
    {
        string raw = v.GetRawText();
        return $"{v.ValueKind.ToString().ToLowerInvariant()} {(raw.Length > 40 ? raw[..40] + "…" : raw)}";
    }
}
