using Bard.Data;
using Bard.Data.Tasks;
using Bard.Eval;
using Bard.Text;

namespace Bard.Tests.Eval;

/// <summary>The one judgement of a completion, and the agreement of its three entry points (text, ids, server-separated parts).</summary>
public class JudgeTests
{
    static StudentChat Chat()
    {
        var task = new EmbeddedTask(new EmbeddedTaskOptions());
        var config = TokenizerConfig.Parse(CharTokenizerBuilder.TokenizerConfigJson(EmbeddedTask.StudentTokenizer));
        return new StudentChat(task.CreateTokenizer(), ChatTemplate.FromConfig(config), config, BudgetPromptFormat.Default);
    }

    static readonly Problem P = new("p", "3 +4 *2 (mod 10)", "4");

    [Theory]
    // output, correct, closed, L, answer
    [InlineData("<think>\n3+4=7 7*2=4\n</think>\n\n4", true, true, 11, "4")]            // closed, right
    [InlineData("<think>\n3+4=7 7*2=4\n</think>\n\n5", false, true, 11, "5")]           // closed, wrong
    [InlineData("<think>\n3+4=7\n</think>\n\n4", true, true, 5, "4")]                   // forced: closed where forcing put </think>
    [InlineData("<think>\n3+4=7 7*2=4", false, false, 11, null)]                          // never closed: wrong, L to the end
    [InlineData("<think>\n3+4=7 7*2=4\n</think>\n\n", false, true, 11, null)]           // closed, nothing after it
    [InlineData("<think>\nok\n</think>\n4 </think> 4", false, true, 2, "4 </think> 4")] // several </think>: the first ends the thinking
    [InlineData("4", false, false, 0, null)]                                               // no thinking block: no answer was given after one
    public void Table(string output, bool correct, bool closed, int thinkingTokens, string? answer)
    {
        var chat = Chat();
        var judge = Judge.For(chat, (problem, a) => a == problem.Answer);
        var j = judge.OfText(P, output);
        Assert.Equal(new Judgement(correct, closed, thinkingTokens, answer is null && !closed ? 0 : chat.Tokenizer.CountTokens(answer ?? ""), answer), j);
        // The ids a student generated (with its end-of-turn token) are judged alike.
        var ids = chat.Tokenizer.Encode(output).Append(chat.EndOfTurnId).Append(chat.EndOfTurnId).ToList();
        Assert.Equal(j, judge.OfIds(P, ids, chat.EndOfTurnId));
    }

    [Fact]
    public void ServerSeparatedReply_IsJudgedLikeTheTextItCameFrom()
    {
        var chat = Chat();
        var judge = Judge.For(chat, (problem, a) => a == problem.Answer);
        var fromText = judge.OfText(P, "<think>\n3+4=7 7*2=4\n</think>\n\n4");
        var fromParts = judge.OfParts(P, "3+4=7 7*2=4", thinkingClosed: true, "\n\n4");
        Assert.Equal(fromText, fromParts);
        // Unclosed thinking is wrong at the endpoint too (it used to grade the content anyway).
        Assert.False(judge.OfParts(P, "3+4=7 7*2=4", thinkingClosed: false, "4").Correct);
        // Without the student's tokenizer, L is the server's count.
        var serverOnly = new Judge(BudgetPromptFormat.Default, null, (problem, a) => a == problem.Answer);
        Assert.Equal(new Judgement(true, true, 42, 0, "4"), serverOnly.OfParts(P, "whatever", true, "4", serverThinkingTokens: 42));
    }

    [Fact]
    public void IAnswerVerifier_ChecksTheGoldAnswer()
    {
        var chat = Chat();
        var judge = new Judge(chat.Format, chat.Tokenizer, new MathVerifier());
        Assert.True(judge.OfText(P, "<think>\nx\n</think>\n\nThe answer is \\boxed{4}.").Correct);
        Assert.False(judge.OfText(P, "<think>\nx\n</think>\n\nThe answer is \\boxed{5}.").Correct);
    }
}
