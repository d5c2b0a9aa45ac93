namespace Bard.Data;

/// <summary>The JSON field names of Bard's records (docs/data-formats.md), in one place.</summary>
public static class RecordFields
{
    public const string SchemaVersion = "schema_version";
    public const string Id = "id";
    public const string Question = "question";
    public const string Answer = "answer";
    public const string Choices = "choices";
    public const string Source = "source";
    public const string ProblemId = "problem_id";
    public const string Thinking = "thinking";
    public const string Teacher = "teacher";
    public const string Correct = "correct";
    public const string Budget = "budget";
    public const string ThinkingTokens = "thinking_tokens";
    public const string Compressor = "compressor";
    public const string Accepted = "accepted";
}
