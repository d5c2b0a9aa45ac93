using Bard.Data;
using Bard.Data.Import;

namespace Bard.Tests.Data.Import;

public class TraceImporterTests
{
    static JsonlReadResult<ImportedTrace> Import(TraceImportOptions options, BadRecordPolicy policy, params string[] lines)
    {
        using var dir = new TempDir();
        string path = dir.File("in.jsonl");
        File.WriteAllLines(path, lines);
        return new TraceImporter(options, new WordTokenizer()).Read(path, policy);
    }

    static ImportedTrace One(TraceImportFormat format, string line) =>
        Assert.Single(Import(TraceImportOptions.For(format), BadRecordPolicy.Stop, line).Records);

    [Fact]
    public void ThinkTags_ClosedBlock_SplitsThinkingAndBoxedAnswer_CountsStudentTokens()
    {
        var r = One(TraceImportFormat.ThinkTags,
            """{"id":"p1","question":"1+1?","answer":"2","response":"<think>\none plus one is two\n</think>\nThe answer is \\boxed{2}."}""");
        Assert.Equal(ImportSkipReason.None, r.Skip);
        Assert.Equal(new TeacherTrace("p1", "one plus one is two", "2", "imported", true) { ThinkingTokens = 5 }, r.Trace);
        Assert.Equal(new Problem("p1", "1+1?", "2"), r.Problem);
    }

    [Fact]
    public void ThinkTags_MissingClosingTag_IsSkippedAsTruncated()
    {
        var r = One(TraceImportFormat.ThinkTags, """{"id":"p1","question":"q","answer":"2","response":"<think>one plus one is"}""");
        Assert.Equal(ImportSkipReason.Truncated, r.Skip);
        Assert.Null(r.Trace);
    }

    [Fact]
    public void ThinkTags_OpeningTagInThePrompt_TakesTextBeforeTheClosingTag()
    {
        var r = One(TraceImportFormat.ThinkTags, """{"id":"p1","question":"q","answer":"3","response":"a b c</think>3"}""");
        Assert.Equal("a b c", r.Trace!.Thinking);
        Assert.Equal("3", r.Trace.Answer);
        Assert.Equal(3, r.Trace.ThinkingTokens);
    }

    [Fact]
    public void ThinkTags_NoTagsAtAll_IsSkippedAsNoThinking() =>
        Assert.Equal(ImportSkipReason.NoThinking, One(TraceImportFormat.ThinkTags, """{"id":"p","question":"q","answer":"3","response":"just 3"}""").Skip);

    [Fact]
    public void ReasoningContent_SeparateFields_WrongAnswerIsGradedIncorrect()
    {
        var r = One(TraceImportFormat.ReasoningContent,
            """{"id":"p1","question":"q","answer":"$4$","reasoning_content":"two and two make five","content":"So 5."}""");
        Assert.Equal("two and two make five", r.Trace!.Thinking);
        Assert.Equal("So 5.", r.Trace.Answer);
        Assert.False(r.Trace.Correct);
    }

    [Fact]
    public void ReasoningContent_NullReasoning_IsSkippedAsNoThinking() =>
        Assert.Equal(ImportSkipReason.NoThinking,
            One(TraceImportFormat.ReasoningContent, """{"id":"p","question":"q","answer":"1","reasoning_content":null,"content":"1"}""").Skip);

    [Fact]
    public void ReasoningContent_FieldAbsent_StopsNamingTheField()
    {
        var e = Assert.Throws<BardException>(() =>
            Import(TraceImportOptions.For(TraceImportFormat.ReasoningContent), BadRecordPolicy.Stop, """{"id":"p","question":"q","answer":"1","content":"1"}"""));
        Assert.Contains("in.jsonl:1: field 'reasoning_content' is missing", e.Message);
    }

    [Fact]
    public void MappedFields_AreReadInsteadOfDefaults()
    {
        var options = TraceImportOptions.For(TraceImportFormat.ThinkTags) with
        {
            IdField = "uid", QuestionField = "prompt", GoldField = "gold", ResponseField = "output", Teacher = "r1",
        };
        var r = Assert.Single(Import(options, BadRecordPolicy.Stop, """{"uid":"x","prompt":"q","gold":"1","output":"<think>a b</think>1"}""").Records);
        Assert.Equal(new TeacherTrace("x", "a b", "1", "r1", true) { ThinkingTokens = 2 }, r.Trace);
    }

    [Theory]
    [InlineData("""{"id":"p","answer":"1","response":"<think>a</think>1"}""", "in.jsonl:2: field 'question' is missing")]
    [InlineData("""{"id":"p","question":"q","response":"<think>a</think>1"}""", "in.jsonl:2: field 'answer' is missing")]
    [InlineData("""{"id":"p","question":"q","answer":"1"}""", "in.jsonl:2: field 'response' is missing")]
    [InlineData("""{"id":"p","question":"q","answer":"1","response":"<think>a</think>""", "in.jsonl:2: not valid JSON")]
    public void BadLine_StopsNamingLineAndField(string bad, string expected)
    {
        const string good = """{"id":"g","question":"q","answer":"1","response":"<think>a</think>1"}""";
        var e = Assert.Throws<BardException>(() => Import(TraceImportOptions.For(TraceImportFormat.ThinkTags), BadRecordPolicy.Stop, good, bad));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void BadLine_UnderSkip_IsCountedAndTheRestImported()
    {
        const string good = """{"id":"g","question":"q","answer":"1","response":"<think>a</think>1"}""";
        var result = Import(TraceImportOptions.For(TraceImportFormat.ThinkTags), BadRecordPolicy.Skip, good, "{", """{"id":"h"}""", good.Replace("\"g\"", "\"k\""));
        Assert.Equal(["g", "k"], result.Records.Select(r => r.Problem.Id));
        Assert.Equal(2, result.Skipped);
    }

    [Fact]
    public void SkyT1_FixtureSample_ImportsClosedThoughtsAndSkipsTruncatedAndThoughtless()
    {
        string path = Fixtures.Path("traces", "sky-t1-sample.jsonl");
        var result = new TraceImporter(TraceImportOptions.For(TraceImportFormat.SkyT1), new WordTokenizer()).Read(path);
        Assert.Equal(5, result.Records.Count);
        var imported = result.Records.Where(r => r.Trace is not null).ToArray();
        Assert.Equal(3, imported.Length);
        Assert.Equal(1, result.Records.Count(r => r.Skip == ImportSkipReason.Truncated));
        Assert.Equal(1, result.Records.Count(r => r.Skip == ImportSkipReason.NoThinking));
        foreach (var r in imported)
        {
            Assert.Equal(r.Problem.Id, r.Trace!.ProblemId);
            Assert.StartsWith("Sky-T1-math-correct-5K-27B", r.Trace.Teacher);
            Assert.Equal("math500", r.Problem.Source);
            Assert.True(r.Trace.Correct);
            Assert.DoesNotContain("<|end_of_thought|>", r.Trace.Thinking);
            Assert.Equal(new WordTokenizer().CountTokens(r.Trace.Thinking), r.Trace.ThinkingTokens);
            Assert.True(r.Trace.ThinkingTokens > 50);
        }
    }

    [Fact]
    public void SkyT1_RawResponseWithMarkers_IsSplitAtTheThoughtMarkers()
    {
        var options = TraceImportOptions.For(TraceImportFormat.SkyT1) with { ThinkingField = null, ContentField = null, AnswerField = null };
        var r = Assert.Single(Import(options, BadRecordPolicy.Stop,
            """{"id":"s","problem":"q","gold_answer":"204","response":"<|begin_of_thought|>\n\nso it is 204\n\n<|end_of_thought|>\n\n<|begin_of_solution|>\nThus \\boxed{204}\n<|end_of_solution|>"}""").Records);
        Assert.Equal("so it is 204", r.Trace!.Thinking);
        Assert.Equal("204", r.Trace.Answer);
        Assert.True(r.Trace.Correct);
    }

    [Theory]
    [InlineData("so \\boxed{\\frac{1}{2}} here", "\\frac{1}{2}")]
    [InlineData("\\boxed{1} then \\boxed{2}", "2")]
    [InlineData("first line\nAnswer: 5\n", "Answer: 5")]
    [InlineData("", "")]
    public void ExtractAnswer_Text_TakesLastBoxedElseLastLine(string text, string expected) =>
        Assert.Equal(expected, TraceImporter.ExtractAnswer(text));
}
