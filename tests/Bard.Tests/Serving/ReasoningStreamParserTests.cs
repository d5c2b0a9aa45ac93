using Bard.Serving;
using Bard.Text;

namespace Bard.Tests.Serving;

public sealed class ReasoningStreamParserTests
{
    static (string Reasoning, string Content, bool Closed) Run(IEnumerable<string> pieces, ReasoningStart start = ReasoningStart.BeforeThinking)
    {
        var p = new ReasoningStreamParser(BudgetPromptFormat.Default, start);
        string r = "", c = "";
        foreach (var piece in pieces) { var d = p.Feed(piece); r += d.Reasoning; c += d.Content; }
        var f = p.Finish();
        return (r + f.Reasoning, c + f.Content, p.Closed);
    }

    [Theory]
    [InlineData("<think>\nstep 1\n</think>\n\nThe answer is 5.", "\nstep 1\n", "The answer is 5.", true)]
    [InlineData("\n<think>abc</think>x", "abc", "x", true)]
    [InlineData("no thinking at all", "", "no thinking at all", false)]
    [InlineData("<think>never closed", "never closed", "", false)]
    [InlineData("a < b and </thin is not a tag", "", "a < b and </thin is not a tag", false)]
    public void Feed_AnyPieceSizes_GiveTheSameSplitAsWholeText(string text, string reasoning, string content, bool closed)
    {
        Assert.Equal((reasoning, content, closed), Run([text]));
        Assert.Equal((reasoning, content, closed), Run(text.Select(ch => ch.ToString())));
        Assert.Equal((reasoning, content, closed), Run(text.Chunk(3).Select(c => new string(c))));
        // Agrees with the one definition of the split wherever there is no blank preamble.
        var split = BudgetPromptFormat.Default.Split(text);
        if (split.Preamble.Length == 0) Assert.Equal((split.Thinking, split.Answer), (reasoning, content));
    }

    [Fact]
    public void Feed_PromptOpenedTheBlock_FirstTextIsReasoning()
    {
        Assert.Equal(("abc", "ok", true), Run(["ab", "c</th", "ink>\n\nok"], ReasoningStart.InsideThinking));
        Assert.Equal(("", "all answer", true), Run(["\n", "all answer"], ReasoningStart.AfterThinking));
    }

    [Fact]
    public void Feed_DeltasNeverHoldADelimiterPrefixForever()
    {
        var p = new ReasoningStreamParser(BudgetPromptFormat.Default);
        Assert.Equal(("", "x "), p.Feed("x <"));   // "<" might start <think>: held
        Assert.Equal(("", "<b"), p.Feed("b"));      // decided: not a tag
    }
}
