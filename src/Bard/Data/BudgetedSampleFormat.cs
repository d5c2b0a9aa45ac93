using System.Globalization;
using System.Text.Json;

namespace Bard.Data;

/// <summary>JSONL form of <see cref="BudgetedSample"/> (schema <c>budgeted_sample</c> v1).</summary>
public sealed class BudgetedSampleFormat : IRecordFormat<BudgetedSample>
{
    public static BudgetedSampleFormat Instance { get; } = new();

    public string Schema => "budgeted_sample";
    public int Version => 1;

    /// <summary>One sample per problem and budget.</summary>
    public string Key(BudgetedSample s) => KeyOf(s.ProblemId, s.Budget);

    /// <summary>The key of the sample of <paramref name="problemId"/> at <paramref name="budget"/>.</summary>
    public static string KeyOf(string problemId, int budget) => problemId + "\u0001" + budget.ToString(CultureInfo.InvariantCulture);

    public void Write(Utf8JsonWriter json, BudgetedSample s)
    {
        json.WriteStartObject();
        json.WriteNumber(RecordFields.SchemaVersion, Version);
        json.WriteString(RecordFields.ProblemId, s.ProblemId);
        json.WriteNumber(RecordFields.Budget, s.Budget);
        json.WriteString(RecordFields.Thinking, s.Thinking);
        json.WriteString(RecordFields.Answer, s.Answer);
        json.WriteNumber(RecordFields.ThinkingTokens, s.ThinkingTokens);
        json.WriteString(RecordFields.Compressor, s.Compressor);
        json.WriteBoolean(RecordFields.Accepted, s.Accepted);
        json.WriteEndObject();
    }

    public BudgetedSample Read(JsonRecord r)
    {
        r.CheckVersion(Schema, Version);
        int budget = r.RequiredInt(RecordFields.Budget);
        if (budget <= 0) throw r.Error(RecordFields.Budget, $"is {budget}; a thinking budget is a positive number of tokens.");
        int tokens = r.RequiredInt(RecordFields.ThinkingTokens);
        if (tokens < 0) throw r.Error(RecordFields.ThinkingTokens, $"is {tokens}; a length cannot be negative.");
        return new BudgetedSample(
            r.RequiredString(RecordFields.ProblemId), budget, r.RequiredString(RecordFields.Thinking), r.RequiredString(RecordFields.Answer),
            tokens, r.RequiredString(RecordFields.Compressor), r.RequiredBool(RecordFields.Accepted));
    }
}
