using Bard.Data.Tasks;
using Bard.Inference;
using Bard.Model;
using Bard.Serving;
using Bard.Text;

namespace Bard.Tests.Inference;

public class BudgetForcingTests
{
    const int Open = 100, Close = 101, Newline = 102;

    [Theory]
    // With the layout newline known (budget 2): a leading "\n" is layout, not thinking; the forced close is "\n</think>".
    [InlineData(new[] { Open }, Newline, Newline, false)]               // the layout newline after <think>
    [InlineData(new[] { Open, Newline, 5 }, 6, 6, false)]               // 1 thought (the newline does not count)
    [InlineData(new[] { Open, Newline, 5, 6 }, 7, Newline, false)]      // 2 thought = budget: the closing layout newline …
    [InlineData(new[] { Open, Newline, 5, 6, Newline }, 7, Close, false)] // … then </think>
    [InlineData(new[] { Open, 5, 6 }, 7, Newline, false)]               // no leading newline: every token counts
    [InlineData(new[] { Open, 5, Newline }, 7, Newline, false)]         // a newline inside the thinking counts
    [InlineData(new[] { Open, Newline, 5, Newline }, 7, Newline, false)] // … also as the last thinking token (then "\n\n</think>")
    public void Next_WithLayoutNewline_Table(int[] generated, int sampled, int kept, bool stop)
    {
        var control = new BudgetForcing(Open, Close, [2], answerAllowance: 2, layoutNewlineId: Newline);
        Assert.Equal((kept, stop), control.Next(0, generated, sampled));
    }

    [Fact]
    public void Next_WithLayoutNewline_BudgetZero_ClosesAfterOneNewline()
    {
        var control = new BudgetForcing(Open, Close, [0], answerAllowance: 2, layoutNewlineId: Newline);
        Assert.Equal((Newline, false), control.Next(0, [Open], 5));
        Assert.Equal((Close, false), control.Next(0, [Open, Newline], 5));
    }

    /// <summary>
    /// Bard's one thinking length L (the thinking as written, BudgetPromptFormat.ThinkingText): a forced trace measures
    /// exactly b, and evaluation and RL (StudentChat.Read), the reward server (BudgetRewardScorer) and the text count
    /// (CountThinkingTokens) all read the same completion as the same L.
    /// </summary>
    [Fact]
    public void ForcedTraces_MeasureExactlyTheBudget_InEveryConsumer()
    {
        using var dir = new TempDir();
        var task = new EmbeddedTask(new EmbeddedTaskOptions());
        task.SaveTokenizer(dir.Path);
        var chat = StudentChat.Load(dir.Path);
        using var model = new CausalLM(ModelPresets.Create("micro", chat.Tokenizer.VocabSize));
        ModelInit.Initialize(model, seed: 4, std: 0.5); // random characters: the model rarely closes by itself
        int open = chat.ThinkOpenId!.Value, close = chat.ThinkCloseId!.Value;
        int[] budgets = [0, 1, 2, 5, 12, 31];
        var prompts = budgets.Select(b => (IReadOnlyList<int>)chat.Prompt("3 +4 (mod 10)", b)).ToList();
        var forcing = new BudgetForcing(open, close, budgets, answerAllowance: 4, layoutNewlineId: chat.LayoutNewlineId);
        // The random model starts as a trained student does, "<think>\n" (the layout newline that made truncation's
        // L read b − 1 before), then thinks in random characters under the forcing, never closing by itself: every row
        // is closed by the forcing, whatever the sampled characters are on this CPU.
        int letter = chat.Tokenizer.Encode("x").Single();
        var student = new StartsWith([open, chat.LayoutNewlineId!.Value], forcing, avoid: close, instead: letter);
        var completions = new TokenGenerator(model).Generate(prompts, new GenerationOptions { MaxNewTokens = 60, Temperature = 1, Seed = 5 }, control: student);
        var scorer = new BudgetRewardScorer(new RewardServeOptions(), chat.Tokenizer);
        for (int i = 0; i < budgets.Length; i++)
        {
            int[] output = completions[i].Tokens;
            string prompt = chat.Tokenizer.Decode(chat.Prompt("3 +4 (mod 10)", budgets[i]), skipSpecialTokens: false);
            string response = chat.Tokenizer.Decode(output, skipSpecialTokens: false);
            int read = chat.Read(output).ThinkingTokens;
            Assert.Equal(read, chat.Format.CountThinkingTokens(output, chat.Tokenizer));
            if (budgets[i] > 0) Assert.Equal(read, scorer.Score(prompt + response, prompt, "7").ThinkingTokens); // the reward needs b > 0
            Assert.True(forcing.WasForced(i), $"b = {budgets[i]}: not forced: {response}");
            Assert.True(read == budgets[i], $"b = {budgets[i]}: the forced trace measures {read}: {response}");
        }
    }

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

    /// <summary>Writes <paramref name="start"/> first, then hands over to <paramref name="then"/>, with <paramref name="avoid"/> sampled turned into <paramref name="instead"/>.</summary>
    sealed class StartsWith(int[] start, IGenerationControl then, int avoid, int instead) : IGenerationControl
    {
        public (int Token, bool Stop) Next(int row, IReadOnlyList<int> generated, int sampled) =>
            generated.Count < start.Length ? (start[generated.Count], false) : then.Next(row, generated, sampled == avoid ? instead : sampled);
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
            // Without a layout newline id every token between the delimiters counts.
            Assert.True(close >= 0 && close <= budgets[i], $"row {i}: </think> at {close}, budget {budgets[i]}: {string.Join(",", t)}");
            Assert.True(t.Length - close - 1 <= 4, $"row {i}: {t.Length - close - 1} answer tokens > allowance 4");
        }
    }
}
