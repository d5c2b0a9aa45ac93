using System.Text.RegularExpressions;
using Bard.Data;
using Bard.Data.Tasks;

namespace Bard.Tests.Data.Tasks;

public class EmbeddedCompressorTests
{
    static readonly EmbeddedTask Task = new(new EmbeddedTaskOptions());
    static readonly EmbeddedCompressor Compressor = new(Task.Options, Task.CreateTokenizer());
    static readonly ChainProblem Chain = ChainProblem.TryParse("3 +4 *2 -7 (mod 10)")!; // values 7, 4, 7

    [Theory]
    [InlineData(1, "7")]                   // only the answer: one leap over 3 operations
    [InlineData(2, "7.")]
    [InlineData(4, "4 7.")]                 // step 1 merged into step 2
    [InlineData(6, "7 4 7.")]               // every value, no leap
    [InlineData(8, "7 4 -7=7")]             // the last step chained
    [InlineData(12, "7 *2=4 4-7=7")]
    [InlineData(16, "+4=7 7*2=4 4-7=7")]
    public void Compress_SmallBudget_HitsItExactlyWithTheRichestRendering(int budget, string expected)
    {
        var r = Compressor.Compress(Chain, budget);
        Assert.Equal(expected, r.Thinking);
        Assert.Equal(budget, r.Tokens);
        Assert.True(r.Accepted);
    }

    [Fact]
    public void Compress_BudgetOfTheRichestRendering_ReturnsItWhole()
    {
        string richest = ChainReasoning.Render(Chain, ChainReasoning.RichestPlan(Chain));
        Assert.Equal(richest, Compressor.Compress(Chain, richest.Length).Thinking);
    }

    [Fact]
    public void Compress_BudgetFarAboveTheRichestRendering_IsRejected()
    {
        var r = Compressor.Compress(Chain, 1000);
        Assert.False(r.Accepted);
        Assert.Equal(ChainReasoning.Render(Chain, ChainReasoning.RichestPlan(Chain)), r.Thinking);
    }

    [Fact]
    public void Compress_NoLeapFits_MergesOnlyWhenForced()
    {
        // b = 6 fits all three values (no leap); b = 4 cannot, so two operations share one written value.
        Assert.Equal(1, Compressor.Compress(Chain, 6).Plan.LargestLeap);
        Assert.Equal(2, Compressor.Compress(Chain, 4).Plan.LargestLeap);
    }

    [Fact]
    public void Compress_GeneratedProblems_MeetBudgets4To128WithinFivePercentOnAverageAndEndInTheAnswer()
    {
        int[] budgets = [4, 8, 12, 16, 24, 32, 48, 64, 96, 128];
        var errors = budgets.ToDictionary(b => b, _ => new List<double>());
        for (int i = 0; i < 300; i++)
        {
            var p = Task.Generate(42, i);
            foreach (var s in Task.Compress(p, Task.Teach(p), budgets, Task.CreateTokenizer()))
            {
                Assert.True(s.Accepted, $"{p.Question} at b={s.Budget}: L={s.ThinkingTokens} \"{s.Thinking}\"");
                Assert.True(s.RelativeLengthError <= 0.10 + 1e-9);
                Assert.Equal(p.Answer, s.Answer);
                Assert.Equal(p.Answer, Regex.Matches(s.Thinking, @"-?\d+")[^1].Value);
                errors[s.Budget].Add(s.RelativeLengthError);
            }
        }
        foreach (var (b, e) in errors)
            Assert.True(e.Average() <= 0.05, $"b={b}: mean |L-b|/b = {e.Average():F4}");
    }

    [Fact]
    public void Compress_LargerBudget_IsNeverLessExplicit()
    {
        // The rendering at a larger budget takes no larger leaps, writes no fewer results, and no more results without
        // their operation than the one at a smaller budget (EmbeddedCompressor.Explicitness, compared in that order).
        int[] budgets = [2, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128];
        for (int i = 0; i < 300; i++)
        {
            var chain = Task.Parse(Task.Generate(9, i));
            var results = Compressor.Compress(chain, budgets).Where(r => r.Accepted).ToArray();
            for (int j = 1; j < results.Length; j++)
                Assert.True(EmbeddedCompressor.Explicitness(results[j].Plan).CompareTo(EmbeddedCompressor.Explicitness(results[j - 1].Plan)) <= 0,
                    $"{chain}: b={results[j - 1].Budget} \"{results[j - 1].Thinking}\" but b={results[j].Budget} \"{results[j].Thinking}\"");
        }
    }

    [Fact]
    public void Compress_SmallerBudget_NeverWritesMoreResults()
    {
        for (int i = 0; i < 100; i++)
        {
            var chain = Task.Parse(Task.Generate(8, i));
            int[] budgets = [1, 2, 4, 6, 8, 12, 16, 24];
            var written = Compressor.Compress(chain, budgets).Select(r => r.Plan.WrittenSteps).ToArray();
            for (int j = 1; j < written.Length; j++)
                Assert.True(written[j] >= written[j - 1], $"{chain.Question}: b={budgets[j]} writes {written[j]} results, b={budgets[j - 1]} writes {written[j - 1]}");
        }
    }

    // PadAfterSteps: the demo's compressor (MaxOperations 5, as bard demo uses it).
    static readonly EmbeddedTask Padded = new(new EmbeddedTaskOptions { MaxOperations = 5, SeparateStepStyles = true, PadAfterSteps = true });
    static readonly EmbeddedCompressor PaddedCompressor = new(Padded.Options, Padded.CreateTokenizer());
    static readonly int[] DemoBudgets = [2, 4, 6, 8, 12, 16, 24, 32, 64, 128];

    [Fact]
    public void PadAfterSteps_Chain_StepsStayTerseAndTheSlackGoesAroundThem()
    {
        Assert.Equal("+4=7 7*2=4 4-7=7", PaddedCompressor.Compress(Chain, 16).Thinking); // no slack: as without padding
        var r = PaddedCompressor.Compress(Chain, 64);
        Assert.Equal("so: 3 +4 *2 -7, mod 10.\n3+4=7 7*2=4 4-7=7\ncheck 4-7=7, ok.\nso 7.", r.Thinking);
        Assert.Equal(64, r.Tokens);
    }

    [Fact]
    public void PadAfterSteps_DemoBudgets_EveryStepWrittenTheSameWayAndNoStepAfterACheck()
    {
        // What the student can then not learn from the data: "at this budget and style a chain has this many steps". Every
        // step of a trace is written the same way, and re-checks come after the last step, so how many steps follow is
        // the question's business, not the length's.
        var steps = new Regex(@"(^|[ \n])-?\d+[-+*]\d+=\d+");
        int terse = 0, over = 0, total = 0;
        for (int i = 0; i < 300; i++)
        {
            var p = Padded.Generate(5, i);
            var chain = Padded.Parse(p);
            var candidates = PaddedCompressor.Candidates(chain);
            foreach (var r in PaddedCompressor.Compress(chain, DemoBudgets))
            {
                Assert.True(r.Accepted, $"{chain.Question} at b={r.Budget}: L={r.Tokens} \"{r.Thinking}\"");
                Assert.Equal(chain.Answer.ToString(), Regex.Matches(r.Thinking, @"-?\d+")[^1].Value);
                Assert.DoesNotContain("..", r.Thinking);
                var written = r.Plan.Steps.Where(l => l >= StepLevel.Terse).Distinct().ToArray();
                Assert.True(written.Length <= 1 || r.Plan.Steps.Any(l => l < StepLevel.Terse), $"{chain.Question} at b={r.Budget} mixes step styles: \"{r.Thinking}\"");
                int firstCheck = Math.Min(Index(r.Thinking, "check "), Index(r.Thinking, "wait, "));
                if (firstCheck < r.Thinking.Length)
                    Assert.False(steps.IsMatch(Regex.Replace(r.Thinking[firstCheck..], @"(check|verify:) -?\d+[-+*]\d+=", "")),
                        $"{chain.Question} at b={r.Budget}: a step after a re-check: \"{r.Thinking}\"");
                // Richer steps only where terse steps with every padding cannot land.
                if (r.Plan.Steps.Max() > StepLevel.Terse)
                    Assert.DoesNotContain(candidates, c => c.Plan.Steps.All(l => l == StepLevel.Terse) && Math.Abs(c.Tokens - r.Budget) <= 0.1 * r.Budget);
                if (r.Plan.Steps.All(l => l == StepLevel.Terse)) terse++;
                // At or under b whenever a rendering of the same explicitness lands there within the tolerance.
                if (r.Tokens > r.Budget)
                {
                    over++;
                    Assert.DoesNotContain(candidates, c => c.Tokens <= r.Budget && r.Budget - c.Tokens <= 0.1 * r.Budget
                        && EmbeddedCompressor.Explicitness(c.Plan) == EmbeddedCompressor.Explicitness(r.Plan) && c.Plan.Steps.Max() == r.Plan.Steps.Max());
                }
                total++;
            }
        }
        Assert.True(terse > total / 3, $"{terse} of {total} traces are all terse");
        Assert.True(over <= total / 20, $"{over} of {total} traces are over budget");
    }

    [Fact]
    public void PadAfterSteps_Off_NoRenderingMovesChecksOrUsesTheMediumClosing()
    {
        // Off (the library's default) the ladders and closings are those of before; the golden strings above pin the output.
        var separate = new EmbeddedCompressor(new EmbeddedTaskOptions { MaxOperations = 5, SeparateStepStyles = true }, Padded.CreateTokenizer());
        for (int i = 0; i < 50; i++)
        {
            var chain = Padded.Parse(Padded.Generate(6, i));
            Assert.DoesNotContain(separate.Candidates(chain), c => c.Plan.ChecksLast || c.Plan.Closing == ClosingStyle.Medium);
            Assert.DoesNotContain(Compressor.Candidates(chain), c => c.Plan.ChecksLast || c.Plan.Closing == ClosingStyle.Medium);
        }
    }

    static int Index(string s, string part) => s.IndexOf(part, StringComparison.Ordinal) is var i and >= 0 ? i : s.Length;
}
