using Bard.Data.Tasks;

namespace Bard.Tests.Data.Tasks;

public class ChainReasoningTests
{
    static readonly ChainProblem Chain = ChainProblem.TryParse("3 +4 *2 -7 (mod 10)")!;

    static ReasoningPlan Plan(string steps, ClosingStyle closing, RestateLevel restate = RestateLevel.None, string checks = "nnn") => new(
        restate,
        steps.Select(c => c switch { 'V' => StepLevel.Verbose, 'B' => StepLevel.Brief, 'T' => StepLevel.Terse, 'C' => StepLevel.Chained, 'v' => StepLevel.Value, _ => StepLevel.Merged }).ToArray(),
        checks.Select(c => c switch { 'L' => CheckLevel.Long, 's' => CheckLevel.Short, _ => CheckLevel.None }).ToArray(),
        closing);

    [Theory]
    [InlineData("TTT", ClosingStyle.None, "3+4=7 7*2=4 4-7=7")]
    [InlineData("CCC", ClosingStyle.Dot, "+4=7 *2=4 -7=7.")]
    [InlineData("vvv", ClosingStyle.Dot, "7 4 7.")]
    [InlineData("-vv", ClosingStyle.None, "4 7")]
    [InlineData("--v", ClosingStyle.Brief, "7 so 7.")]
    [InlineData("vTT", ClosingStyle.Short, "7 7*2=4 4-7=7 the answer is 7.")]
    [InlineData("BBB", ClosingStyle.Full, "3+4=7.\n7*2=14, so 4.\n4-7=-3, so 7.\nso the answer is 7.")]
    public void Render_Plan_WritesHandWrittenText(string steps, ClosingStyle closing, string expected) =>
        Assert.Equal(expected, ChainReasoning.Render(Chain, Plan(steps, closing)));

    [Fact]
    public void Render_TeacherPlan_RestatesStepsAndRechecksWrappingSteps()
    {
        const string expected =
            "we start with 3 and apply +4 *2 -7 in order, mod 10.\n" +
            "step 1: 3+4 is 7.\n" +
            "step 2: 7*2 is 14, mod 10 that is 4.\n" +
            "check 7*2=4, ok.\n" +
            "step 3: 4-7 is -3, mod 10 that is 7.\n" +
            "wait, let me verify: 4-7=-3, and -3 mod 10 is 7. yes.\n" +
            "so the answer is 7.";
        Assert.Equal(expected, ChainReasoning.Render(Chain, ChainReasoning.TeacherPlan(Chain)));
    }

    [Fact]
    public void Render_ShortRestatementAndChecks_UsesTheirShortForms() => Assert.Equal(
        "so: 3 +4 *2 -7, mod 10.\nstep 1: 3+4 is 7.\ncheck 3+4=7, ok.\n7.",
        ChainReasoning.Render(Chain, Plan("V-v", ClosingStyle.Dot, RestateLevel.Short, "sss")));

    [Fact]
    public void Ladder_FromRichestToAnswerOnly_NeverGetsLongerAndEndsWithTheAnswerAlone()
    {
        foreach (var q in new[] { "3 +4 *2 -7 (mod 10)", "9 *9 (mod 10)", "1 +2 +3 +4 +5 +6 +7 +8 (mod 10)", "37 +48 *3 -29 (mod 100)" })
        {
            var chain = ChainProblem.TryParse(q)!;
            var ladder = ChainReasoning.Ladder(chain).ToArray();
            var lengths = ladder.Select(p => ChainReasoning.Render(chain, p).Length).ToArray();
            for (int i = 1; i < lengths.Length; i++)
                Assert.True(lengths[i] <= lengths[i - 1], $"{q}: rung {i} is {lengths[i]} chars, rung {i - 1} is {lengths[i - 1]}");
            Assert.Equal(ChainReasoning.Render(chain, ChainReasoning.RichestPlan(chain)), ChainReasoning.Render(chain, ladder[0]));
            Assert.Equal(1, ladder[^1].WrittenSteps);
            Assert.Equal(chain.Difficulty, ladder[^1].LargestLeap);
        }
    }

    [Fact]
    public void SeparateStylesLadder_NeverMixesNumberedAndUnnumberedSteps_AndShrinksWithinEachSegment()
    {
        foreach (var q in new[] { "3 +4 *2 -7 (mod 10)", "9 *9 (mod 10)", "1 +2 +3 +4 +5 +6 +7 +8 (mod 10)", "37 +48 *3 -29 (mod 100)" })
        {
            var chain = ChainProblem.TryParse(q)!;
            var ladder = ChainReasoning.Ladder(chain, separateStepStyles: true).ToArray();
            var lengths = ladder.Select(p => ChainReasoning.Render(chain, p).Length).ToArray();
            // Two segments of one style each (verbose, then brief), 2k + 3 rungs each: the length may rise only where the second starts.
            int segment = 2 * chain.Difficulty + 3;
            for (int i = 1; i < lengths.Length; i++)
                if (i != segment)
                    Assert.True(lengths[i] <= lengths[i - 1], $"{q}: rung {i} is {lengths[i]} chars, rung {i - 1} is {lengths[i - 1]}");
            Assert.True(lengths[segment] > lengths[segment - 1], $"{q}: brief with long re-checks is longer than verbose without");
            foreach (var rung in ladder)
                Assert.True(rung.Steps.All(x => x == StepLevel.Verbose) || rung.Steps.All(x => x != StepLevel.Verbose),
                    $"{q}: a rung mixes {string.Join(",", rung.Steps)}");
            // The mixed ladder (the default) does mix them, which is what the option is for.
            if (chain.Difficulty > 1)
                Assert.Contains(ChainReasoning.Ladder(chain), r => r.Steps.Contains(StepLevel.Verbose) && r.Steps.Any(x => x != StepLevel.Verbose));
            Assert.Equal(ChainReasoning.Render(chain, ChainReasoning.RichestPlan(chain)), ChainReasoning.Render(chain, ladder[0]));
            Assert.Equal(1, ladder[^1].WrittenSteps);
        }
    }

    [Theory]
    [InlineData("vvvvvv", 1)]
    [InlineData("-v-v-v", 2)]
    [InlineData("--v--v", 3)]
    [InlineData("-----v", 6)]
    [InlineData("v-vv-v", 2)]
    public void LargestLeap_OfPlan_CountsOperationsPerWrittenResult(string steps, int leap) =>
        Assert.Equal(leap, Plan(steps, ClosingStyle.None, checks: new string('n', steps.Length)).LargestLeap);
}
