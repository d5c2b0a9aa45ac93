using Bard.Text;

namespace Bard.Data.Import;

/// <summary>
/// Reads real teacher traces (think tags, reasoning_content, Sky-T1) into Bard's problem and teacher-trace
/// records, measuring each thinking in the student's tokens. It does not grade beyond a light string
/// comparison with the gold answer when the file carries no grade; truncated traces are skipped and counted.
/// </summary>
public sealed class TraceImporter(TraceImportOptions options, ITokenizer tokenizer)
{
    const string ThinkOpen = "<think>", ThinkClose = "</think>";
    const string SkyOpen = "<|begin_of_thought|>", SkyClose = "<|end_of_thought|>";
    const string SkySolutionOpen = "<|begin_of_solution|>", SkySolutionClose = "<|end_of_solution|>";

    /// <summary>Reads every line of <paramref name="path"/>; malformed lines stop the read or are skipped per <paramref name="policy"/>.</summary>
    public JsonlReadResult<ImportedTrace> Read(string path, BadRecordPolicy policy = BadRecordPolicy.Stop) =>
        JsonlReader.Read(path, r => Parse(r, Path.GetFileNameWithoutExtension(path)), policy);

    /// <summary>Reads one line's record.</summary>
    public ImportedTrace Parse(JsonRecord r, string fileStem)
    {
        string id = r.OptionalString(options.IdField) ?? $"{fileStem}:{r.Line}";
        var problem = new Problem(id, r.RequiredString(options.QuestionField), r.RequiredString(options.GoldField))
        {
            Source = options.SourceField is { } sf ? r.OptionalString(sf) : null,
        };
        var (thinking, after, skip) = SplitThinking(r);
        if (skip != ImportSkipReason.None) return new ImportedTrace(r.Location, problem, null, skip);
        string answer = (options.AnswerField is { } af ? r.OptionalString(af) : null) ?? ExtractAnswer(after ?? "");
        bool? correct = options.CorrectField is { } cf && r.Has(cf) ? r.OptionalBool(cf) : SameAnswer(answer, problem.Answer);
        string teacher = (options.TeacherField is { } tf ? r.OptionalString(tf) : null) ?? options.Teacher;
        var trace = new TeacherTrace(id, thinking!, answer, teacher, correct) { ThinkingTokens = tokenizer.CountTokens(thinking!) };
        return new ImportedTrace(r.Location, problem, trace, ImportSkipReason.None);
    }

    (string? Thinking, string? After, ImportSkipReason Skip) SplitThinking(JsonRecord r)
    {
        if (options.ClosedField is { } closedField && r.OptionalBool(closedField) == false)
            return (null, null, ImportSkipReason.Truncated);
        if (options.ThinkingField is { } thinkingField && r.Has(thinkingField))
        {
            string thinking = r.RequiredString(thinkingField).Trim();
            if (thinking.Length == 0) return (null, null, ImportSkipReason.NoThinking);
            string? after = options.ContentField is { } cf ? r.OptionalString(cf) : null;
            return (thinking, after, ImportSkipReason.None);
        }
        if (options.Format == TraceImportFormat.ReasoningContent)
        {
            // The reasoning parser writes reasoning_content: null when the model did not think; an absent field is a mapping error.
            string field = options.ThinkingField ?? "reasoning_content";
            if (!r.Root.TryGetProperty(field, out _)) throw r.Error(field, "is missing. Map the thinking field with --thinking-field.");
            return (null, null, ImportSkipReason.NoThinking);
        }
        if (options.ResponseField is null)
            throw r.Error(options.ThinkingField ?? "thinking", "is missing, and no response field is mapped. Use --thinking-field or --response-field.");
        string response = r.RequiredString(options.ResponseField);
        return options.Format == TraceImportFormat.SkyT1 && response.Contains(SkyOpen, StringComparison.Ordinal)
            ? Split(response, SkyOpen, SkyClose, solution: true)
            : Split(response, ThinkOpen, ThinkClose, solution: false);
    }

    static (string?, string?, ImportSkipReason) Split(string response, string open, string close, bool solution)
    {
        int o = response.IndexOf(open, StringComparison.Ordinal);
        int c = response.IndexOf(close, StringComparison.Ordinal);
        if (c < 0) return o < 0 ? (null, null, ImportSkipReason.NoThinking) : (null, null, ImportSkipReason.Truncated);
        int start = o >= 0 && o < c ? o + open.Length : 0; // a chat template may have put the opening tag in the prompt
        string thinking = response[start..c].Trim();
        string after = response[(c + close.Length)..];
        if (solution) after = after.Replace(SkySolutionOpen, "").Replace(SkySolutionClose, "");
        return thinking.Length == 0 ? (null, null, ImportSkipReason.NoThinking) : (thinking, after.Trim(), ImportSkipReason.None);
    }

    /// <summary>The content of the last <c>\boxed{…}</c> (braces balanced), else the last non-empty line.</summary>
    public static string ExtractAnswer(string text)
    {
        int at = text.LastIndexOf("\\boxed{", StringComparison.Ordinal);
        if (at >= 0)
        {
            int start = at + "\\boxed{".Length, depth = 1;
            for (int i = start; i < text.Length; i++)
            {
                if (text[i] == '{') depth++;
                else if (text[i] == '}' && --depth == 0) return text[start..i].Trim();
            }
        }
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
    }

    /// <summary>A light comparison (spaces, $ signs and a trailing full stop ignored); Eval's answer checker is the real grader.</summary>
    public static bool SameAnswer(string a, string b) => Normalize(a) == Normalize(b);

    static string Normalize(string s) => new string(s.Where(ch => !char.IsWhiteSpace(ch) && ch != '$').ToArray()).TrimEnd('.');
}
