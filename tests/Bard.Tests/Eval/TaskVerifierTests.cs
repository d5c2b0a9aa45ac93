using Bard.Eval;

namespace Bard.Tests.Eval;

public class TaskVerifierTests
{
    [Theory]
    [InlineData("The answer is \\boxed{7}.", "7", "7", true)]
    [InlineData("answer: 007", "7", "007", true)]
    [InlineData("answer: 7.0001", "7", "7.0001", false)]
    [InlineData("<think>7</think>8", "7", "8", false)]
    [InlineData("nothing", "7", null, false)]
    public void Check_TableRow_ComparesExactly(string response, string gold, string? extracted, bool correct)
    {
        var v = new TaskVerifier().Check(response, gold);
        Assert.True(v.Extracted == extracted && v.Correct == correct,
            $"'{response}' gold {gold}: expected ({extracted ?? "null"}, {correct}), got ({v.Extracted ?? "null"}, {v.Correct}) — {v.Reason}");
    }

    [Theory]
    [InlineData(AnswerKind.Math, typeof(MathVerifier))]
    [InlineData(AnswerKind.Choice, typeof(ChoiceVerifier))]
    [InlineData(AnswerKind.Task, typeof(TaskVerifier))]
    public void AnswerVerifiers_For_ReturnsTheKindsVerifier(AnswerKind kind, Type expected) =>
        Assert.IsType(expected, AnswerVerifiers.For(kind));

    [Theory]
    [InlineData("a<think>b</think>c", "c")]
    [InlineData("<think>a</think>b</think>c", "c")]
    [InlineData("no thinking", "no thinking")]
    [InlineData("<think>unclosed", "unclosed")]
    public void ThinkingText_AnswerPart_IsTheTextAfterTheLastClose(string response, string expected) =>
        Assert.Equal(expected, ThinkingText.AnswerPart(response));
}
