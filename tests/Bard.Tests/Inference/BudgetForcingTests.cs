using Bard.Inference;
using Bard.Model;

namespace Bard.Tests.Inference;

public class BudgetForcingTests
{
    const int Open = 100, Close = 101;

    [Theory]
    // generated so far, sampled → kept, stop       (budget 2, allowance 2)
    [InlineData(new int[0], 7, 7, false)]                         // not thinking yet
    [InlineData(new[] { Open }, 7, 7, false)]                    // 0 thought: keep
    [InlineData(new[] { Open, 5 }, 7, 7, false)]                 // 1 thought: keep
    [InlineData(new[] { Open, 5, 6 }, 7, Close, false)]          // 2 thought = budget: force </think>
    [InlineData(new[] { Open, 5 }, Close, Close, false)]         // the model closes early by itself
    [InlineData(new[] { Open, 5, 6, Close }, 9, 9, false)]       // first answer token
    [InlineData(new[] { Open, 5, 6, Close, 9 }, 8, 8, true)]     // second answer token: allowance spent
    public void Next_Table(int[] generated, int sampled, int kept, bool stop)
    {
        var control = new BudgetForcing(Open, Close, [2], answerAllowance: 2);
        Assert.Equal((kept, stop), control.Next(0, generated, sampled));
    }

    [Fact]
    public void Next_PromptEndsInsideThinking_CountsFromTheFirstToken()
    {
        var control = new BudgetForcing(Open, Close, [1, 3], answerAllowance: 1, promptEndsInsideThinking: true);
        Assert.Equal((Close, false), control.Next(0, [5], 6));
        Assert.Equal((6, false), control.Next(1, [5], 6));
        Assert.Equal((4, true), control.Next(0, [5, Close], 4));
    }

    [Fact]
    public void Generate_WithBudgetForcing_ClosesAtTheBudgetAndCutsTheAnswer()
    {
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"));
        var gen = new TokenGenerator(model);
        int[] budgets = [3, 6];
        // The prompts end with the open token, so every generated token until </think> is thinking.
        IReadOnlyList<IReadOnlyList<int>> prompts = [new[] { 5, 17, Open }, new[] { 9, 8, 7, Open }];
        var result = gen.Generate(prompts, new GenerationOptions { MaxNewTokens = 40 },
            control: new BudgetForcing(Open, Close, budgets, answerAllowance: 4, promptEndsInsideThinking: true));
        for (int i = 0; i < 2; i++)
        {
            var t = result[i].Tokens;
            int close = Array.IndexOf(t, Close);
            Assert.True(close >= 0 && close <= budgets[i], $"row {i}: </think> at {close}, budget {budgets[i]}: {string.Join(",", t)}");
            Assert.True(t.Length - close - 1 <= 4, $"row {i}: {t.Length - close - 1} answer tokens > allowance 4");
        }
    }
}
