using System.Text.Json;
using Bard.Data;

namespace Bard.Eval;

/// <summary>JSONL form of <see cref="EvalSample"/> (schema <c>eval_sample</c> v1): one line of <c>samples.jsonl</c>.</summary>
public sealed class EvalSampleFormat : IRecordFormat<EvalSample>
{
    public static EvalSampleFormat Instance { get; } = new();

    public string Schema => "eval_sample";
    public int Version => 1;

    /// <summary>method / budget (or <c>none</c>) / problem id / sample index: a resumed run skips what it has.</summary>
    public string Key(EvalSample s) => $"{s.Method}\u001f{s.Budget?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}\u001f{s.ProblemId}\u001f{s.SampleIndex}";

    public void Write(Utf8JsonWriter json, EvalSample s)
    {
        json.WriteStartObject();
        json.WriteNumber(RecordFields.SchemaVersion, Version);
        json.WriteString("method", s.Method);
        if (s.Budget is { } b) json.WriteNumber("budget", b); else json.WriteNull("budget");
        json.WriteString("problem_id", s.ProblemId);
        json.WriteNumber("sample_index", s.SampleIndex);
        json.WriteBoolean("correct", s.Correct);
        json.WriteNumber("thinking_tokens", s.ThinkingTokens);
        json.WriteBoolean("closed_thinking", s.ClosedThinking);
        json.WriteNumber("answer_tokens", s.AnswerTokens);
        if (s.ExtractedAnswer is { } a) json.WriteString("extracted_answer", a); else json.WriteNull("extracted_answer");
        json.WriteBoolean("truncated", s.Truncated);
        if (s.Output is { } output) json.WriteString("output", output);
        json.WriteEndObject();
    }

    public EvalSample Read(JsonRecord r)
    {
        r.CheckVersion(Schema, Version);
        int thinking = r.RequiredInt("thinking_tokens");
        if (thinking < 0) throw r.Error("thinking_tokens", $"is {thinking}; token counts cannot be negative.");
        int? budget = r.OptionalInt("budget");
        if (budget is < 1) throw r.Error("budget", $"is {budget}; a budget is at least 1 token (null for mode none).");
        return new EvalSample(
            r.RequiredString("method"), budget, r.RequiredString("problem_id"), r.RequiredBool("correct"),
            thinking, r.RequiredBool("closed_thinking"), r.RequiredInt("answer_tokens"),
            r.OptionalString("extracted_answer"), r.RequiredBool("truncated"))
        {
            SampleIndex = r.OptionalInt("sample_index") ?? 0,
            Output = r.OptionalString("output"),
        };
    }
}
