using Bard.Data;
using Bard.Data.Tasks;
using Bard.Rl;
using Bard.Text;
using Bard.Training;

namespace Bard.Tests.Text;

public class StudentChatTests
{
    static StudentChat Chat()
    {
        var task = new EmbeddedTask(new EmbeddedTaskOptions());
        var tok = task.CreateTokenizer();
        var config = TokenizerConfig.Parse(CharTokenizerBuilder.TokenizerConfigJson(EmbeddedTask.StudentTokenizer));
        return new StudentChat(tok, ChatTemplate.FromConfig(config), config, BudgetPromptFormat.Default);
    }

    [Fact]
    public void Example_PromptAndCompletion_RenderTheBudgetedConversation()
    {
        var chat = Chat();
        var (prompt, completion) = chat.Example("3 +4 (mod 10)", 8, "3+4=7", "7");
        Assert.Equal("<|im_start|>user\n3 +4 (mod 10)\nThinking budget: 8 tokens.<|im_end|>\n<|im_start|>assistant\n", chat.Tokenizer.Decode(prompt));
        Assert.Equal("<think>\n3+4=7\n</think>\n\n7<|im_end|>", chat.Tokenizer.Decode(completion));
        Assert.Equal(chat.EndOfTurnId, completion[^1]);
        var plain = chat.Prompt("3 +4 (mod 10)", null);
        Assert.DoesNotContain("budget", chat.Tokenizer.Decode(plain));
    }

    [Fact]
    public void Read_ItsOwnCompletion_GivesTheThinkingLengthTheCompressorMeasured()
    {
        var chat = Chat();
        var task = new EmbeddedTask(new EmbeddedTaskOptions());
        var problem = task.Generate(1, 3);
        var trace = task.Teach(problem);
        foreach (var sample in task.Compress(problem, trace, [4, 16, 64], chat.Tokenizer).Where(s => s.Accepted))
        {
            var (_, completion) = chat.Example(problem.Question, sample.Budget, sample.Thinking, sample.Answer);
            var (split, thinkingTokens) = chat.Read(completion);
            Assert.Equal(sample.ThinkingTokens, thinkingTokens);
            Assert.True(split.Closed);
            Assert.Equal(sample.Answer, split.Answer);
        }
    }

    [Theory]
    [InlineData("<think>\n1 2 3\n</think>\n\n7<|im_end|>", true, true, 5)]
    [InlineData("<think>\n1 2 3\n</think>\n\n6<|im_end|>", false, true, 5)]
    [InlineData("<think>\n1 2 3", false, false, 5)]            // never closed: wrong, L to the end
    [InlineData("7<|im_end|>", false, false, 0)]               // no thinking block at all
    public void ChatEnvironment_Judge_Table(string output, bool correct, bool closed, int thinkingTokens)
    {
        var chat = Chat();
        var task = new EmbeddedTask(new EmbeddedTaskOptions());
        var env = new ChatEnvironment(chat, task.Verify);
        var problem = new Problem("p", "3 +4 (mod 10)", "7");
        var j = env.Judge(problem, 8, chat.Tokenizer.Encode(output));
        Assert.Equal((correct, closed, thinkingTokens), (j.Correct, j.ThinkingClosed, j.ThinkingTokens));
        Assert.Equal([chat.EndOfTurnId], env.StopTokenIds);
    }

    [Fact]
    public void SftExamples_FromSamplesAndTraces_TargetsAreTheAssistantTurn()
    {
        var chat = Chat();
        var problems = new Dictionary<string, Problem> { ["p"] = new("p", "3 +4 (mod 10)", "7") };
        var seqs = SftExamples.FromSamples([new BudgetedSample("p", 8, "3+4=7", "7", 5, "c", true), new BudgetedSample("p", 2, "x", "7", 1, "c", false)], problems, chat);
        var s = Assert.Single(seqs); // the rejected sample is dropped
        int promptLen = chat.Prompt("3 +4 (mod 10)", 8).Length;
        Assert.All(s.Targets.Take(promptLen), t => Assert.False(t));
        Assert.All(s.Targets.Skip(promptLen), t => Assert.True(t));
        var agnostic = Assert.Single(SftExamples.FromTraces([new TeacherTrace("p", "long\nthinking", "7", "t", true), new TeacherTrace("p", "w", "8", "t", false)], problems, chat));
        Assert.DoesNotContain("budget", chat.Tokenizer.Decode(agnostic.Ids));
        Assert.Throws<BardException>(() => SftExamples.FromSamples([new BudgetedSample("q", 8, "t", "7", 1, "c", true)], problems, chat));
    }
}
