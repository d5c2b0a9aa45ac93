using System.Text.Json;

namespace Bard.Data;

/// <summary>JSONL form of <see cref="Problem"/> (schema <c>problem</c> v1).</summary>
public sealed class ProblemFormat : IRecordFormat<Problem>
{
    public static ProblemFormat Instance { get; } = new();

    public string Schema => "problem";
    public int Version => 1;
    public string Key(Problem record) => record.Id;

    public void Write(Utf8JsonWriter json, Problem p)
    {
        json.WriteStartObject();
        json.WriteNumber(RecordFields.SchemaVersion, Version);
        json.WriteString(RecordFields.Id, p.Id);
        json.WriteString(RecordFields.Question, p.Question);
        json.WriteString(RecordFields.Answer, p.Answer);
        if (p.Choices is { } choices)
        {
            json.WriteStartArray(RecordFields.Choices);
            foreach (var c in choices) json.WriteStringValue(c);
            json.WriteEndArray();
        }
        if (p.Source is { } source) json.WriteString(RecordFields.Source, source);
        json.WriteEndObject();
    }

    public Problem Read(JsonRecord r)
    {
        r.CheckVersion(Schema, Version);
        return new Problem(r.RequiredString(RecordFields.Id), r.RequiredString(RecordFields.Question), r.RequiredString(RecordFields.Answer))
        {
            Choices = r.OptionalStringList(RecordFields.Choices),
            Source = r.OptionalString(RecordFields.Source),
        };
    }
}
