using Bard.Eval;

namespace Bard.Tests.Eval;

public class ChoiceVerifierTests
{
    static readonly ChoiceVerifier Verifier = new();

    [Theory]
    [InlineData("The answer is (B).", "B", "B", true)]
    [InlineData("**Answer:** C", "C", "C", true)]
    [InlineData("Therefore the correct option is D", "(D)", "D", true)]
    [InlineData("So we pick $\\boxed{C}$.", "C", "C", true)]
    [InlineData("$\\boxed{\\text{(A)}}$", "A", "A", true)]
    [InlineData("Option A is wrong and B fails, so the answer is C.", "C", "C", true)]
    [InlineData("A. Because B is not valid", "A", "A", true)]
    [InlineData("Because B is valid", "A", "B", false)]
    [InlineData("<think>The answer is A.</think>The answer is B.", "B", "B", true)]
    [InlineData("<think>The answer is A.</think>none of them", "A", null, false)]
    [InlineData("No valid answer here", "A", null, false)]
    [InlineData("The answer is E.", "A", null, false)] // E is not an option under the default letters A–D
    public void Check_TableRow_ReadsTheLetter(string response, string gold, string? extracted, bool correct)
    {
        var v = Verifier.Check(response, gold);
        Assert.True(v.Extracted == extracted && v.Correct == correct,
            $"'{response}' gold {gold}: expected ({extracted ?? "null"}, {correct}), got ({v.Extracted ?? "null"}, {v.Correct}) — {v.Reason}");
    }

    [Fact]
    public void Check_FiveLetters_AcceptsE() =>
        Assert.True(new ChoiceVerifier(new ChoiceVerifierOptions { Letters = "ABCDE" }).Check("The answer is E.", "E").Correct);

    [Theory]
    [InlineData("F")]
    [InlineData("42")]
    public void Check_GoldNotALetter_ThrowsBardException(string gold) =>
        Assert.Throws<BardException>(() => Verifier.Check("The answer is A", gold));

    [Fact]
    public void Options_LowerCaseLetters_Throws() =>
        Assert.Throws<BardException>(() => new ChoiceVerifier(new ChoiceVerifierOptions { Letters = "abcd" }));
}
