using System.Text.Json;

namespace Bard.Data;

/// <summary>JSONL form of <see cref="TeacherTrace"/> (schema <c>teacher_trace</c> v1).</summary>
public sealed class TeacherTraceFormat : IRecordFormat<TeacherTrace>
{
    public static TeacherTraceFormat Instance { get; } = new();

    public string Schema => "teacher_trace";
    public int Version => 1;
    public string Key(TeacherTrace record) => record.ProblemId;

    public void Write(Utf8JsonWriter json, TeacherTrace t)
    {
        json.WriteStartObject();
        json.WriteNumber(RecordFields.SchemaVersion, Version);
        json.WriteString(RecordFields.ProblemId, t.ProblemId);
        json.WriteString(RecordFields.Thinking, t.Thinking);
        json.WriteString(RecordFields.Answer, t.Answer);
        json.WriteString(RecordFields.Teacher, t.Teacher);
        if (t.Correct is { } c) json.WriteBoolean(RecordFields.Correct, c);
        else json.WriteNull(RecordFields.Correct);
        if (t.ThinkingTokens is { } n) json.WriteNumber(RecordFields.ThinkingTokens, n);
        json.WriteEndObject();
    }

    public TeacherTrace Read(JsonRecord r)
    {
        r.CheckVersion(Schema, Version);
        if (!r.Root.TryGetProperty(RecordFields.Correct, out _))
            throw r.Error(RecordFields.Correct, "is missing; write true, false, or null when the answer was not graded.");
        return new TeacherTrace(
            r.RequiredString(RecordFields.ProblemId), r.RequiredString(RecordFields.Thinking), r.RequiredString(RecordFields.Answer),
            r.RequiredString(RecordFields.Teacher), r.OptionalBool(RecordFields.Correct))
        {
            ThinkingTokens = r.OptionalInt(RecordFields.ThinkingTokens),
        };
    }
}
