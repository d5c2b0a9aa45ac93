using Bard.Data.Tasks;

namespace Bard.Tests.Data.Tasks;

public class ChainProblemTests
{
    [Theory]
    // 3+4=7; 7*2=14→4; 4-7=-3→7
    [InlineData("3 +4 *2 -7 (mod 10)", 7, 3)]
    // 9*9=81→1
    [InlineData("9 *9 (mod 10)", 1, 1)]
    // 0-1=-1→9
    [InlineData("0 -1 (mod 10)", 9, 1)]
    // 37+48=85; 85*3=255→55; 55-29=26
    [InlineData("37 +48 *3 -29 (mod 100)", 26, 3)]
    // 5*6=30→2 (mod 7); 2+6=8→1
    [InlineData("5 *6 +6 (mod 7)", 1, 2)]
    public void TryParse_Question_SolvesToHandComputedAnswer(string question, int answer, int difficulty)
    {
        var p = ChainProblem.TryParse(question);
        Assert.NotNull(p);
        Assert.Equal(answer, p.Answer);
        Assert.Equal(difficulty, p.Difficulty);
        Assert.Equal(question, p.Question);
    }

    [Theory]
    [InlineData("3 + 4 (mod 10)")]
    [InlineData("12 +1 (mod 10)")]
    [InlineData("3 (mod 10)")]
    [InlineData("3 +4 *2")]
    [InlineData("3 /4 (mod 10)")]
    public void TryParse_NotAChainQuestion_ReturnsNull(string question) => Assert.Null(ChainProblem.TryParse(question));

    [Fact]
    public void Steps_OfChain_RecordRawAndReducedValues()
    {
        var p = ChainProblem.TryParse("4 -7 *3 (mod 10)")!;
        Assert.Equal(new ChainStep(1, 4, ChainOperator.Subtract, 7, -3, 7), p.Steps[0]);
        Assert.Equal(new ChainStep(2, 7, ChainOperator.Multiply, 3, 21, 1), p.Steps[1]);
        Assert.True(p.Steps[0].Wraps);
    }
}
