using Bard.Eval;

namespace Bard.Tests.Eval;

public class MathVerifierTests
{
    static readonly MathVerifier Verifier = new();

    static void AssertVerdict(string response, string gold, string? extracted, bool correct)
    {
        var v = Verifier.Check(response, gold);
        Assert.True(v.Extracted == extracted && v.Correct == correct,
            $"response '{response}' gold '{gold}': expected ({extracted ?? "null"}, {correct}), got ({v.Extracted ?? "null"}, {v.Correct}) — {v.Reason}");
    }

    [Theory]
    // GSM8K: "#### N" lines, thousands separators, dollars.
    [InlineData("She pays 3 * 400 = 1200 plus 34.\n#### 1,234", "1234", "1,234", true)]
    [InlineData("#### 1,234", "1,234", "1,234", true)]
    [InlineData("Total: $1,234.", "1234", "1,234", true)]
    [InlineData("#### 1235", "1234", "1235", false)]
    [InlineData("The answer is 18 dollars.", "18", "18", true)]
    // AIME integers: leading zeros, exact comparison (no tolerance for an integer gold).
    [InlineData("so the answer is \\boxed{033}.", "33", "033", true)]
    [InlineData("\\boxed{33}", "033", "33", true)]
    [InlineData("\\boxed{34}", "33", "34", false)]
    [InlineData("\\boxed{999.0000001}", "999", "999.0000001", false)]
    [InlineData("\\boxed{999.0}", "999", "999.0", true)]
    // Last box wins; nested braces.
    [InlineData("first \\boxed{1}, then finally \\boxed{\\frac{1}{2}}", "0.5", "\\frac{1}{2}", true)]
    [InlineData("\\fbox{7}", "7", "7", true)]
    // Fractions, decimals, mixed numbers, percent, degrees, units, text.
    [InlineData("\\boxed{\\dfrac{3}{4}}", "0.75", "\\dfrac{3}{4}", true)]
    [InlineData("\\boxed{3/4}", "\\frac{3}{4}", "3/4", true)]
    [InlineData("\\boxed{0.33}", "\\frac{1}{3}", "0.33", false)]
    [InlineData("\\boxed{0.3333333}", "\\frac{1}{3}", "0.3333333", true)]
    [InlineData("\\boxed{1\\frac{1}{10}}", "1.1", "1\\frac{1}{10}", true)]
    [InlineData("\\boxed{25\\%}", "25", "25\\%", true)]
    [InlineData("\\boxed{25\\%}", "0.25", "25\\%", true)]
    [InlineData("\\boxed{90^\\circ}", "90", "90^\\circ", true)]
    [InlineData("\\boxed{15\\text{ cm}^2}", "15", "15\\text{ cm}^2", true)]
    [InlineData("\\boxed{\\text{Evelyn}}", "\\text{Evelyn}", "\\text{Evelyn}", true)]
    [InlineData("\\boxed{1.5 \\times 10^{3}}", "1500", "1.5 \\times 10^{3}", true)]
    // Symbolic forms that are closed numbers are evaluated.
    [InlineData("\\boxed{2\\sqrt{3}}", "\\sqrt{12}", "2\\sqrt{3}", true)]
    [InlineData("\\boxed{\\frac94\\pi}", "\\frac{9\\pi}{4}", "\\frac94\\pi", true)]
    [InlineData("\\boxed{\\sqrt{2}}", "1.414", "\\sqrt{2}", false)]
    // Leading "x =", tuples, intervals, sets.
    [InlineData("\\boxed{x = 5}", "5", "x = 5", true)]
    [InlineData("\\boxed{(1, 4.5)}", "(1,\\frac{9}{2})", "(1, 4.5)", true)]
    [InlineData("\\boxed{[0, 1)}", "(0,1)", "[0, 1)", false)]
    [InlineData("\\boxed{1, -2}", "-2,1", "1, -2", true)]
    [InlineData("\\boxed{(2, 1)}", "(1,2)", "(2, 1)", false)]
    // Final-answer phrases, and the last LaTeX span or number when nothing else is there.
    [InlineData("Final Answer: The final answer is $\\frac{14}{3}$. I hope it is correct.", "\\frac{14}{3}", "\\frac{14}{3}", true)]
    [InlineData("We get $x = 2$ and then it is 7.", "7", "7", true)]
    [InlineData("**3**", "3", "**3**", true)]
    [InlineData("The final answer is x = 3 or x = -2", "-2, 3", "x = 3 or x = -2", true)]
    // GSM8K prose with currency dollars that are not LaTeX delimiters.
    [InlineData("She pays $5 and gets $3 back, so she spends $2 in total.", "2", "2", true)]
    [InlineData("Janet makes $18 every day.", "18", "18", true)]
    public void Check_TableRow_ReadsAndGradesAsExpected(string response, string gold, string? extracted, bool correct) =>
        AssertVerdict(response, gold, extracted, correct);

    [Theory]
    [InlineData("<think>maybe \\boxed{5}</think>The answer is \\boxed{7}.", "7", "7", true)]
    [InlineData("<think>it is \\boxed{7}</think>I am not sure.", "7", null, false)]
    [InlineData("<think>thinking that ran out of budget \\boxed{7}", "7", "7", true)]
    public void Check_Thinking_IsNeverGraded(string response, string gold, string? extracted, bool correct) =>
        AssertVerdict(response, gold, extracted, correct);

    [Theory]
    [InlineData("")]
    [InlineData("I do not know.")]
    [InlineData("<think>42</think>")]
    public void Check_NoAnswer_IsIncorrectWithNullExtracted(string response) => AssertVerdict(response, "42", null, false);

    [Theory]
    [InlineData("The answer is \\boxed{42}.", "42")]
    [InlineData("Step one. #### 42", "42")]
    public void Check_GoldIsAWorkedSolution_ReadsItsAnswer(string goldSolution, string expectedGold) =>
        Assert.Equal(expectedGold, MathVerifier.GoldAnswer(goldSolution));

    // MATH-500 gold answers of every shape: a response that is just the gold answer is read whole and graded correct.
    [Theory]
    [InlineData("p - q")]
    [InlineData("\\text{Evelyn}")]
    [InlineData("6 - 5i")]
    [InlineData("52_8")]
    [InlineData("(3,4]")]
    [InlineData("-2,1")]
    [InlineData("\\$32,\\!348")]
    [InlineData("y = 2x + 3")]
    [InlineData("864 \\mbox{ inches}^2")]
    [InlineData("\\frac{270}7\\text{ degrees}")]
    [InlineData("\\begin{pmatrix} -1/3 \\\\ 2/3 \\\\ 5/3 \\end{pmatrix}")]
    public void Check_ResponseIsExactlyTheGold_ReadsItWholeAndIsCorrect(string gold) => AssertVerdict(gold, gold, gold, true);

    [Theory]
    [InlineData("-2,1", "-2.1", false)] // a list, not a decimal comma
    [InlineData("1,22", "1.22", true)]  // a decimal comma (two digits after it)
    [InlineData("\\$32,\\!348", "32348", true)]
    [InlineData("\\boxed{15\\frac{39}{40}}, or \\boxed{\\frac{639}{40}}", "\\frac{639}{40}", true)]
    public void Check_CommasAndRepeats_TableRow(string response, string gold, bool correct) =>
        Assert.True(Verifier.Check(response, gold).Correct == correct, $"'{response}' vs '{gold}': expected {correct}, {Verifier.Check(response, gold).Reason}");

    [Fact]
    public void Check_PathologicalResponses_AreGradedQuickly()
    {
        string[] responses =
        [
            string.Concat(Enumerable.Repeat("We compute 12 + 30 = 42 and so on. ", 5000)),
            "\\boxed{" + string.Concat(Enumerable.Repeat("x + 1 = 2 and ", 5000)),
            "\\boxed{" + new string('(', 3000) + "1" + new string(')', 3000) + "}",
            "\\boxed{5" + new string(' ', 20000) + "x}",
            "\\boxed{5 " + string.Concat(Enumerable.Repeat("5 ", 400)) + "x}",
        ];
        // Not a speed assertion (that would depend on the machine): a guard against super-linear blow-ups, which take
        // minutes to hours on inputs of this size, with a bound no machine's speed comes near (measured: ~0.1 s in all).
        var grading = Task.Run(() => responses.Select(r => Verifier.Check(r, "42")).ToArray());
        Assert.True(grading.Wait(TimeSpan.FromSeconds(60)), $"{responses.Length} long responses were not graded within 60 s");
        Assert.All(grading.Result, v => Assert.False(string.IsNullOrEmpty(v.Reason)));
    }

    [Fact]
    public void Options_OutOfRange_ThrowsNamingTheField()
    {
        var e = Assert.Throws<BardException>(() => new MathVerifier(new MathVerifierOptions { DecimalPlaces = 20 }));
        Assert.Contains("DecimalPlaces", e.Message);
        e = Assert.Throws<BardException>(() => new MathVerifier(new MathVerifierOptions { RelativeTolerance = double.NaN }));
        Assert.Contains("RelativeTolerance", e.Message);
    }

    [Fact]
    public void Options_DecimalPlaces_DecidesRoundedEquality()
    {
        Assert.False(new MathVerifier().Equivalent("0.33", "\\frac{1}{3}"));
        Assert.True(new MathVerifier(new MathVerifierOptions { DecimalPlaces = 2 }).Equivalent("0.33", "\\frac{1}{3}"));
    }
}
