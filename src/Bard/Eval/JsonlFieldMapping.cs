namespace Bard.Eval;

/// <summary>
/// Which fields of an arbitrary JSONL file hold the question, the gold answer and the id
/// (<c>--question-field</c>, <c>--answer-field</c>, <c>--id-field</c>).
/// </summary>
public sealed record JsonlFieldMapping
{
    /// <summary>Field with the question text. Default <c>question</c>.</summary>
    public string QuestionField { get; init; } = "question";

    /// <summary>Field with the gold answer (a string or a number). Default <c>answer</c>.</summary>
    public string AnswerField { get; init; } = "answer";

    /// <summary>Field with a unique id. Default <c>id</c>; a record without it gets <c>FILESTEM-LINE</c>.</summary>
    public string IdField { get; init; } = "id";

    /// <summary>Optional field with a list of option texts (multiple choice); null: none. Default null.</summary>
    public string? ChoicesField { get; init; }

    /// <summary>Answer kind of the file. Default <see cref="AnswerKind.Math"/>.</summary>
    public AnswerKind AnswerKind { get; init; } = AnswerKind.Math;
}
