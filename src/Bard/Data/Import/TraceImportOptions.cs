namespace Bard.Data.Import;

/// <summary>
/// Which fields of an imported JSONL line hold what. <see cref="For"/> gives each format's defaults; the CLI's
/// <c>--*-field</c> options override them. A field set to null is not read.
/// </summary>
public sealed record TraceImportOptions
{
    public required TraceImportFormat Format { get; init; }

    /// <summary>Problem id. Default <c>id</c>; when the line has none, the id is <c>FILE-stem:LINE</c>.</summary>
    public string IdField { get; init; } = "id";

    /// <summary>Question text. Default <c>question</c> (Sky-T1: <c>problem</c>).</summary>
    public string QuestionField { get; init; } = "question";

    /// <summary>Gold answer. Default <c>answer</c> (Sky-T1: <c>gold_answer</c>).</summary>
    public string GoldField { get; init; } = "answer";

    /// <summary>Whole response with think tags (think-tags; Sky-T1 raw responses). Default <c>response</c>.</summary>
    public string? ResponseField { get; init; } = "response";

    /// <summary>Thinking alone (reasoning-content: <c>reasoning_content</c>; Sky-T1: <c>thinking</c>).</summary>
    public string? ThinkingField { get; init; }

    /// <summary>Text after the thinking, from which the answer is extracted (reasoning-content: <c>content</c>; Sky-T1: <c>solution</c>).</summary>
    public string? ContentField { get; init; }

    /// <summary>An already extracted final answer (Sky-T1: <c>pred_extracted_by_qwen25math</c>); when null or absent the last <c>\boxed{…}</c> of the answer text is used, else its last line.</summary>
    public string? AnswerField { get; init; }

    /// <summary>An existing correctness grade (Sky-T1: <c>correct_by_qwen25math_grader</c>); when null or absent the answer is compared with the gold answer after light normalisation.</summary>
    public string? CorrectField { get; init; }

    /// <summary>Whether the thought block was closed (Sky-T1: <c>thought_closed</c>); false marks a truncated trace.</summary>
    public string? ClosedField { get; init; }

    /// <summary>Teacher name field (Sky-T1: <c>model_run</c>); when null or absent <see cref="Teacher"/> is written.</summary>
    public string? TeacherField { get; init; }

    /// <summary>Source field for the problem (Sky-T1: <c>benchmark</c>).</summary>
    public string? SourceField { get; init; }

    /// <summary>Teacher name when no field gives one. Default <c>imported</c>.</summary>
    public string Teacher { get; init; } = "imported";

    /// <summary>The defaults of <paramref name="format"/>.</summary>
    public static TraceImportOptions For(TraceImportFormat format) => format switch
    {
        TraceImportFormat.ThinkTags => new() { Format = format },
        TraceImportFormat.ReasoningContent => new() { Format = format, ResponseField = null, ThinkingField = "reasoning_content", ContentField = "content" },
        TraceImportFormat.SkyT1 => new()
        {
            Format = format, QuestionField = "problem", GoldField = "gold_answer", ThinkingField = "thinking", ContentField = "solution",
            AnswerField = "pred_extracted_by_qwen25math", CorrectField = "correct_by_qwen25math_grader", ClosedField = "thought_closed",
            TeacherField = "model_run", SourceField = "benchmark",
        },
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}
