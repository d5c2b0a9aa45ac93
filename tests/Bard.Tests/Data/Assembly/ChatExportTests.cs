using Bard.Text;
using Bard.Data;
using Bard.Data.Assembly;

namespace Bard.Tests.Data.Assembly;

public class ChatExportTests
{
    [Fact]
    public void Write_Sample_GivesMessagesWithBudgetInPromptAndThinkingInTags()
    {
        using var dir = new TempDir();
        string path = dir.File("chat.jsonl");
        var problems = new Dictionary<string, Problem> { ["p"] = new("p", "3 +4 (mod 10)", "7") };
        ChatExport.Write(path, [new BudgetedSample("p", 8, "3+4=7", "7", 5, "c", true)], problems, new ChatExportOptions { SystemPrompt = "sys" });
        Assert.Equal(
            """{"messages":[{"role":"system","content":"sys"},{"role":"user","content":"3 +4 (mod 10)\nThinking budget: 8 tokens."},{"role":"assistant","content":"<think>\n3+4=7\n</think>\n\n7"}],"problem_id":"p","budget":8}""" + "\n",
            File.ReadAllText(path));
    }

    [Fact]
    public void Write_SampleWithoutProblem_SaysWhichFileIsMissing()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<BardException>(() => ChatExport.Write(dir.File("c.jsonl"), [new BudgetedSample("q", 8, "t", "1", 1, "c", true)],
            new Dictionary<string, Problem>(), new ChatExportOptions()));
        Assert.Contains("--problems", e.Message);
    }

    [Fact]
    public void Options_BudgetLineWithoutBudget_IsRefused() =>
        Assert.Throws<BardException>(() => new ChatExportOptions { Format = BudgetPromptFormat.Default with { BudgetLineTemplate = "think briefly" } }.Validate());
}
