using Bard.Text;

namespace Bard.Tests.Text;

public class BudgetPromptFormatTests
{
    static readonly BudgetPromptFormat F = BudgetPromptFormat.Default;

    [Fact]
    public void AddBudget_Default_AppendsALine()
    {
        Assert.Equal("What is 2+3?\nThinking budget: 64 tokens.", F.AddBudget("What is 2+3?", 64));
    }

    [Fact]
    public void AddBudget_SpaceSeparator_ReproducesGoldenUserTurn()
    {
        // golden.json's user turn keeps the budget on the question's line.
        var f = F with { Separator = " " };
        Assert.Equal("What is 17 * 24? Thinking budget: 256 tokens.", f.AddBudget("What is 17 * 24?", 256));
        Assert.Equal(256, f.ParseBudget("What is 17 * 24? Thinking budget: 256 tokens."));
    }

    [Theory]
    [InlineData(BudgetPlacement.AppendToUser, "Q\n[budget 8]")]
    [InlineData(BudgetPlacement.PrependToUser, "[budget 8]\nQ")]
    public void AddBudget_CustomTemplateAndPlacement_RoundTripsThroughParseBudget(BudgetPlacement placement, string expected)
    {
        var f = F with { BudgetLineTemplate = "[budget {budget}]", Placement = placement };
        Assert.Equal(expected, f.AddBudget("Q", 8));
        Assert.Equal(8, f.ParseBudget(expected));
        Assert.Null(f.ParseBudget("Q"));
        // The one line parser also finds the budget inside a rendered prompt, and not a line without its separator.
        Assert.Equal(8, f.FindBudget("<|im_start|>user\n" + expected + "<|im_end|>\n<|im_start|>assistant\n"));
        Assert.Null(f.FindBudget("[budget 8]Q"));
        Assert.Null(f.ParseBudget("x [budget 8] y"));
    }

    [Fact]
    public void WithBudget_ChangesOnlyTheLastUserTurn()
    {
        var messages = new[] { ChatMessage.System("S"), ChatMessage.User("a"), ChatMessage.Assistant("b"), ChatMessage.User("c") };
        var result = F.WithBudget(messages, 5);
        Assert.Equal(["S", "a", "b", "c\nThinking budget: 5 tokens."], result.Select(m => m.Content));
        Assert.Equal("c", messages[3].Content);
        Assert.Throws<BardException>(() => F.WithBudget([ChatMessage.System("S")], 5));
    }

    [Theory]
    [InlineData("<think>\nabc\n</think>\n\nThe answer is 4.", "", "\nabc\n", "The answer is 4.", true, true)]
    [InlineData("<think></think>42", "", "", "42", true, true)]                        // empty thinking
    [InlineData("<think>\nstill going", "", "\nstill going", "", true, false)]        // missing closing tag
    [InlineData("Sure. <think>x</think>\ny", "Sure. ", "x", "y", true, true)]         // text before the opening tag
    [InlineData("x\n</think>\n\ny", "", "x\n", "y", false, true)]                   // the prompt opened the block
    [InlineData("just an answer", "", "", "just an answer", false, false)]           // no thinking
    [InlineData("<think>a</think>b</think>c", "", "a", "b</think>c", true, true)]     // first closing tag counts
    public void Split_Cases(string output, string preamble, string thinking, string answer, bool opened, bool closed)
    {
        Assert.Equal(new ThinkingSplit(preamble, thinking, answer, opened, closed), F.Split(output));
    }

    [Fact]
    public void CountThinkingTokens_TextAndIds_CountTheThinkingAsWritten()
    {
        var tok = Qwen3Fixture.Tokenizer;
        string output = "<think>\nLet me think step by step.\n</think>\n\nFinal answer: 42";
        // golden ids between the delimiters: [198, 10061, 752, 1744, 3019, 553, 3019, 624] ("\n" … ".\n");
        // without the layout newlines the thinking "Let me think step by step." is 7 tokens.
        Assert.Equal(7, tok.CountTokens("Let me think step by step."));
        Assert.Equal(7, F.CountThinkingTokens(output, tok));
        Assert.Equal(7, F.CountThinkingTokens(tok.Encode(output), tok));
        Assert.Equal(tok.CountTokens("Let me"), F.CountThinkingTokens("<think>\nLet me", tok));          // unclosed: to the end
        Assert.Equal(tok.CountTokens("a b"), F.CountThinkingTokens("a b\n</think>\n\nok", tok));       // opened by the prompt
        Assert.Equal(0, F.CountThinkingTokens("no tags", tok));
        Assert.Equal(0, F.CountThinkingTokens("<think></think>ok", tok));
        Assert.Equal(0, F.CountThinkingTokens("<think>\n\n</think>ok", tok));                           // Qwen3's empty block
    }

    [Fact]
    public void FormatAssistant_SplitsBackAndRendersAsQwen3()
    {
        string a = F.FormatAssistant("17*24 = 408.", "The answer is 408.");
        Assert.Equal("<think>\n17*24 = 408.\n</think>\n\nThe answer is 408.", a);
        var s = F.Split(a);
        Assert.Equal("\n17*24 = 408.\n", s.Thinking);
        Assert.Equal("The answer is 408.", s.Answer);
    }

    [Fact]
    public void Validate_BadTemplate_NamesTheField()
    {
        var e = Assert.Throws<BardException>(() => (F with { BudgetLineTemplate = "no placeholder" }).BudgetLine(3));
        Assert.Contains("BudgetLineTemplate", e.Message);
        Assert.Throws<BardException>(() => (F with { ThinkClose = "<think>" }).Split("x"));
        Assert.Throws<BardException>(() => F.BudgetLine(-1));
    }
}

public class BudgetPromptRenderingTests
{
    [Fact]
    public void RenderPromptAndExample_Qwen3_EqualGoldenRenderings()
    {
        var config = Qwen3Fixture.Tokenizer.Config!;
        var template = ChatTemplate.FromConfig(config);
        var golden = Qwen3Fixture.Golden.GetProperty("chat_template");
        var f = BudgetPromptFormat.Default with { Separator = " " };
        string prompt = f.RenderPrompt(template, "What is 17 * 24?", 256, "You are a careful reasoner.", config);
        Assert.Equal(golden.GetProperty("generation_prompt_enable_thinking_true").GetProperty("text").GetString(), prompt);
        var (p, completion) = f.RenderExample(template, "What is 17 * 24?", 256, "17*24 = 408.", "The answer is 408.", "You are a careful reasoner.", config);
        Assert.Equal(prompt, p);
        Assert.Equal(golden.GetProperty("full_conversation").GetProperty("text").GetString(), p + completion);
        Assert.Equal("<think>\n17*24 = 408.\n</think>\n\nThe answer is 408.<|im_end|>\n", completion);
    }

    [Fact]
    public void RenderExample_TemplateWhosePromptIsNoPrefix_IsRefused()
    {
        // DeepSeek-R1 style: the generation prompt opens <think>, the rendered history drops the thinking.
        var template = ChatTemplate.Parse("{% for m in messages %}{{ m.role }}:{{ m.content.split('</think>')[-1] }};{% endfor %}{% if add_generation_prompt %}assistant:<think>\n{% endif %}");
        Assert.Throws<BardException>(() => BudgetPromptFormat.Default.RenderExample(template, "Q", 8, "t", "a"));
    }
}
