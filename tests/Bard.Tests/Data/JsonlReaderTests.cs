using Bard.Data;

namespace Bard.Tests.Data;

public class JsonlReaderTests
{
    const string Good = """{"schema_version":1,"id":"p1","question":"1 +1 (mod 10)","answer":"2"}""";

    [Theory]
    [InlineData("{not json", "f.jsonl:2: not valid JSON")]
    [InlineData("[1,2]", "f.jsonl:2: expected a JSON object")]
    [InlineData("""{"id":"p2","question":"q"}""", "f.jsonl:2: field 'answer' is missing")]
    [InlineData("""{"id":"p2","answer":"1"}""", "f.jsonl:2: field 'question' is missing")]
    [InlineData("""{"id":["x"],"question":"q","answer":"1"}""", "f.jsonl:2: field 'id' must be a string")]
    [InlineData("""{"schema_version":2,"id":"p2","question":"q","answer":"1"}""", "f.jsonl:2: field 'schema_version' is 2")]
    public void Read_BadSecondLine_StopsNamingFileLineAndField(string bad, string expectedStart)
    {
        using var dir = new TempDir();
        string path = dir.File("f.jsonl");
        File.WriteAllText(path, Good + "\n" + bad + "\n" + Good + "\n");
        var e = Assert.Throws<BardException>(() => JsonlReader.Read(path, ProblemFormat.Instance));
        Assert.StartsWith(path[..^"f.jsonl".Length], e.Message);
        Assert.Contains(expectedStart, e.Message);
    }

    [Fact]
    public void Read_SkipPolicy_KeepsGoodLinesAndCountsBadOnes()
    {
        using var dir = new TempDir();
        string path = dir.File("f.jsonl");
        File.WriteAllText(path, Good + "\n{oops\n\n" + Good.Replace("p1", "p3") + "\n" + """{"id":"p4"}""" + "\n");
        var result = JsonlReader.Read(path, ProblemFormat.Instance, BadRecordPolicy.Skip);
        Assert.Equal(["p1", "p3"], result.Records.Select(p => p.Id));
        Assert.Equal(2, result.Skipped);
        Assert.Contains(":2:", result.SkipMessages[0]);
        Assert.Contains(":5:", result.SkipMessages[1]);
    }

    [Fact]
    public void Read_InvalidUtf8_NamesTheLineInsteadOfReplacingTheBytes()
    {
        // The probe's Latin-1 "é" (0xE9) in an answer: read before as "\uFFFD", which no gold answer equals.
        using var dir = new TempDir();
        string path = dir.File("f.jsonl");
        var lines = Enumerable.Range(0, 300).Select(i => System.Text.Encoding.UTF8.GetBytes(Good.Replace("p1", $"p{i}") + "\n")).ToList();
        lines[200] = [.. System.Text.Encoding.UTF8.GetBytes("{\"id\":\"x\",\"question\":\"caf"), 0xE9, .. System.Text.Encoding.UTF8.GetBytes("\",\"answer\":\"1\"}\n")];
        File.WriteAllBytes(path, lines.SelectMany(l => l).ToArray());
        var e = Assert.Throws<BardException>(() => JsonlReader.Read(path, ProblemFormat.Instance));
        Assert.Contains("f.jsonl:201: not valid UTF-8", e.Message);
        // Valid UTF-8 (also with a byte-order mark and CRLF line ends) reads as before.
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(Good.Replace("1 +1", "café 1 +1") + "\r\n" + Good.Replace("p1", "p2") + "\r\n")]);
        var read = JsonlReader.Read(path, ProblemFormat.Instance).Records;
        Assert.Equal(["p1", "p2"], read.Select(p => p.Id));
        Assert.StartsWith("café", read[0].Question);
    }

    [Theory]
    [InlineData("""{"id":"p2","question":"x\ud800y","answer":"1"}""", "question")]
    [InlineData("""{"id":"p2","question":"q","answer":"\udfff"}""", "answer")]
    [InlineData("""{"id":"p2","question":"q","answer":"1","schema_version":"\ud800"}""", "schema_version")]
    public void Read_LoneSurrogateEscape_IsABardErrorNamingFileLineAndField(string bad, string field)
    {
        // Valid JSON, not valid text: System.Text.Json's InvalidOperationException used to end the command as an internal error.
        using var dir = new TempDir();
        string path = dir.File("f.jsonl");
        File.WriteAllText(path, Good + "\n" + bad + "\n");
        var e = Assert.Throws<BardException>(() => JsonlReader.Read(path, ProblemFormat.Instance));
        Assert.StartsWith($"{path}:2: field '{field}' holds a lone surrogate escape", e.Message);
        Assert.Contains("Fix", e.Message);
        // Skipped like any other bad line with --skip-bad; a proper pair (an emoji) is text.
        File.WriteAllText(path, Good + "\n" + bad + "\n" + Good.Replace("p1", "p3").Replace("1 +1", "\ud83d\ude00 1 +1") + "\n");
        var read = JsonlReader.Read(path, ProblemFormat.Instance, BadRecordPolicy.Skip);
        Assert.Equal(["p1", "p3"], read.Records.Select(p => p.Id));
        Assert.StartsWith("\U0001F600", read.Records[1].Question);
    }

    [Fact]
    public void Read_MissingFile_SaysSo()
    {
        var e = Assert.Throws<BardException>(() => JsonlReader.Read("/nonexistent/x.jsonl", ProblemFormat.Instance));
        Assert.Contains("file not found", e.Message);
    }

    [Fact]
    public void Read_NumericAnswerAndNoVersion_ReadsAnswerTextAsWritten()
    {
        using var dir = new TempDir();
        string path = dir.File("f.jsonl");
        File.WriteAllText(path, """{"id":"p1","question":"q","answer":204}""" + "\n");
        Assert.Equal("204", JsonlReader.Read(path, ProblemFormat.Instance).Records[0].Answer);
    }

    [Fact]
    public void Read_SampleWithZeroBudget_IsRefusedByField()
    {
        using var dir = new TempDir();
        string path = dir.File("s.jsonl");
        File.WriteAllText(path, """{"problem_id":"p","budget":0,"thinking":"t","answer":"1","thinking_tokens":1,"compressor":"c","accepted":true}""" + "\n");
        var e = Assert.Throws<BardException>(() => JsonlReader.Read(path, BudgetedSampleFormat.Instance));
        Assert.Contains("s.jsonl:1: field 'budget' is 0", e.Message);
    }
}
