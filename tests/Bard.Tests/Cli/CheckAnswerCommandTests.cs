using System.Text.Json;
using Bard.Cli;

namespace Bard.Tests.Cli;

public class CheckAnswerCommandTests
{
    static (int Code, string Out, string Err) Run(params string[] args) => CliRun.Run(args);

    [Theory]
    [InlineData("math", "33", "<think>\\boxed{1}</think> so \\boxed{033}", "033", true)]
    [InlineData("math", "1234", "#### 1,234", "1,234", true)]
    [InlineData("math", "5", "no idea", null, false)]
    [InlineData("choice", "B", "The answer is (C)", "C", false)]
    [InlineData("task", "7", "answer: 7", "7", true)]
    public void Json_PrintsExtractedAndCorrect(string kind, string gold, string response, string? extracted, bool correct)
    {
        var (code, stdout, stderr) = Run("check-answer", "--kind", kind, "--gold", gold, "--response", response, "--json");
        Assert.True(code == 0, stderr);
        var root = JsonDocument.Parse(stdout).RootElement;
        var e = root.GetProperty("extracted");
        Assert.Equal(extracted, e.ValueKind == JsonValueKind.Null ? null : e.GetString());
        Assert.Equal(correct, root.GetProperty("correct").GetBoolean());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("reason").GetString()));
    }

    [Fact]
    public void ResponseFile_IsRead_AndPlainOutputIsASentence()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("r.txt"), "Thus $x = \\boxed{\\frac{1}{2}}$.");
        var (code, stdout, stderr) = Run("check-answer", "--gold", "0.5", "--response-file", dir.File("r.txt"));
        Assert.True(code == 0, stderr);
        Assert.StartsWith("correct: extracted '\\frac{1}{2}'", stdout);
    }

    [Theory]
    [InlineData("--kind", "algebra", "--gold", "1", "--response", "1")]
    [InlineData("--gold", "1")]
    [InlineData("--gold", "1", "--response", "1", "--response-file", "x.txt")]
    public void BadUsage_ExitsWithCode2(params string[] args)
    {
        var (code, _, stderr) = Run(["check-answer", .. args]);
        Assert.Equal(2, code);
        Assert.Contains("check-answer", stderr);
    }

    [Fact]
    public void MissingResponseFile_ExitsWithCode1()
    {
        var (code, _, stderr) = Run("check-answer", "--gold", "1", "--response-file", "/nonexistent/bard-response.txt");
        Assert.Equal(1, code);
        Assert.Contains("--response-file", stderr);
    }
}
