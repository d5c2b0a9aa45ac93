using System.Globalization;
using System.Text;

namespace Bard.Data.Tasks;

/// <summary>
/// Writes the embedded task's reasoning: renders a <see cref="ReasoningPlan"/> for a <see cref="ChainProblem"/>,
/// gives the teacher's plan, and the ladder of plans the compressor walks from richest to barest.
/// Pure functions of the problem; no randomness.
/// </summary>
public static class ChainReasoning
{
    /// <summary>Every character the embedded task can emit in questions, thinking and answers: one token each for a character-level student.</summary>
    public const string Alphabet = " \n()*+,-.:=0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>
    /// The programmatic teacher's plan: restate the problem, write every step as a numbered sentence, re-check
    /// every step whose reduction changed the value ("wait, let me verify" when the raw result is negative or
    /// at least 2m, a short check otherwise), and close with "so the answer is".
    /// </summary>
    public static ReasoningPlan TeacherPlan(ChainProblem p) => new(
        RestateLevel.Long,
        p.Steps.Select(_ => StepLevel.Verbose).ToArray(),
        p.Steps.Select(s => !s.Wraps ? CheckLevel.None : s.Raw < 0 || s.Raw >= 2 * p.Modulus ? CheckLevel.Long : CheckLevel.Short).ToArray(),
        ClosingStyle.Full);

    /// <summary>The richest plan: the teacher's with a long re-check after every step. The compressor starts here, so budgets above the teacher's length are met with more re-checks.</summary>
    public static ReasoningPlan RichestPlan(ChainProblem p) => new(
        RestateLevel.Long, p.Steps.Select(_ => StepLevel.Verbose).ToArray(), p.Steps.Select(_ => CheckLevel.Long).ToArray(), ClosingStyle.Full);

    /// <summary>
    /// Plans from richest to barest, each one edit poorer than the one before (closing left at Full):
    /// long re-checks become short and the restatement short; then re-checks and restatement go; steps become
    /// brief, then terse (first steps first); then each step in turn becomes chained (<c>*2=4</c>) and a bare
    /// value; then written values are dropped, evenly spaced, until only the answer is left, so each remaining
    /// value covers more operations (the harder leaps that small budgets force).
    /// With <paramref name="separateStepStyles"/> (<see cref="EmbeddedTaskOptions.SeparateStepStyles"/>) the ladder
    /// never mixes numbered and unnumbered steps; see <see cref="SeparateStylesLadder"/>.
    /// </summary>
    public static IEnumerable<ReasoningPlan> Ladder(ChainProblem p, bool separateStepStyles = false) =>
        separateStepStyles ? SeparateStylesLadder(p) : MixedStylesLadder(p);

    static IEnumerable<ReasoningPlan> MixedStylesLadder(ChainProblem p)
    {
        int k = p.Difficulty;
        var plan = RichestPlan(p);
        yield return plan;
        var checks = plan.Checks.ToArray();
        IEnumerable<ReasoningPlan> Checks(CheckLevel from, CheckLevel to)
        {
            for (int i = 0; i < k; i++)
            {
                if (checks[i] != from) continue;
                checks[i] = to;
                yield return plan = plan with { Checks = checks.ToArray() };
            }
        }
        foreach (var r in Checks(CheckLevel.Long, CheckLevel.Short)) yield return r;
        yield return plan = plan with { Restate = RestateLevel.Short };
        foreach (var r in Checks(CheckLevel.Short, CheckLevel.None)) yield return r;
        yield return plan = plan with { Restate = RestateLevel.None };
        var steps = plan.Steps.ToArray();
        for (int i = 0; i < k; i++)
        {
            steps[i] = StepLevel.Brief;
            yield return plan = plan with { Steps = steps.ToArray() };
        }
        foreach (var r in FromBrief(plan)) yield return r;
    }

    /// <summary>
    /// The ladder of <see cref="EmbeddedTaskOptions.SeparateStepStyles"/>: plans from richest to barest. First two segments of one step style each, verbose then brief, so that numbered
    /// and unnumbered steps never mix: a student that reads "7*7=49, so 9." for the first steps and "step 3: …" for the
    /// next loses count of where it is in the chain (measured on the demo: at b = 32–128, where the old ladder turned
    /// steps brief one at a time, the student was 67–81% accurate against 98.5% at b = 24, repeated "step 3:" lines and
    /// answered over budget 32–60% of the time). Within a segment each plan is one edit poorer than the one before: long
    /// re-checks become short and the restatement short, then re-checks and restatement go. Then brief steps become
    /// terse one at a time (neither is numbered), then each step in turn chained (<c>*2=4</c>) and a bare value; then
    /// written values are dropped, evenly spaced, until only the answer is left, so each remaining value covers more
    /// operations (the harder leaps that small budgets force). Lengths fall within each segment and after them, not
    /// across the two (a brief trace with long re-checks is longer than a verbose one without).
    /// </summary>
    static IEnumerable<ReasoningPlan> SeparateStylesLadder(ChainProblem p)
    {
        ReasoningPlan plan = RichestPlan(p);
        foreach (var level in new[] { StepLevel.Verbose, StepLevel.Brief })
            foreach (var rung in Segment(RichestPlan(p) with { Steps = Enumerable.Repeat(level, p.Difficulty).ToArray() }))
                yield return plan = rung;
        foreach (var r in FromBrief(plan)) yield return r;
    }

    /// <summary>
    /// One step style's rungs, from <paramref name="plan"/> (long restatement, a long re-check of every step) to none of
    /// either, one edit at a time: re-checks turn short one at a time and the restatement short, then re-checks go one at
    /// a time and the restatement.
    /// </summary>
    static IEnumerable<ReasoningPlan> Segment(ReasoningPlan plan)
    {
        int k = plan.Steps.Count;
        yield return plan;
        var checks = plan.Checks.ToArray();
        for (int i = 0; i < k; i++) { checks[i] = CheckLevel.Short; yield return plan = plan with { Checks = checks.ToArray() }; }
        yield return plan = plan with { Restate = RestateLevel.Short };
        for (int i = 0; i < k; i++) { checks[i] = CheckLevel.None; yield return plan = plan with { Checks = checks.ToArray() }; }
        yield return plan with { Restate = RestateLevel.None };
    }

    /// <summary>
    /// The ladder of <see cref="EmbeddedTaskOptions.PadAfterSteps"/>: every step terse (<c>7*2=4</c>) with the re-checks after the last
    /// step, from the richest padding (long restatement, a long re-check of every step) to none, one edit at a time; then the barer
    /// rungs (chained, bare values, merged steps) as in the other ladders; then, for budgets that terse steps cannot fill, the
    /// brief and verbose segments (re-checks after the steps too). The compressor prefers the plainest step style that lands.
    /// </summary>
    public static IEnumerable<ReasoningPlan> PaddedLadder(ChainProblem p)
    {
        int k = p.Difficulty;
        foreach (var level in new[] { StepLevel.Terse, StepLevel.Brief, StepLevel.Verbose })
        {
            ReasoningPlan plan = RichestPlan(p);
            foreach (var rung in Segment(RichestPlan(p) with { Steps = Enumerable.Repeat(level, k).ToArray(), ChecksLast = true }))
                yield return plan = rung;
            if (level == StepLevel.Terse)
            {
                // Barer than terse: each step in turn chained and a bare value, then merged steps (FromBrief's tail).
                foreach (var r in FromBrief(plan with { Steps = Enumerable.Repeat(StepLevel.Brief, k).ToArray() }).Skip(k)) yield return r;
            }
        }
    }

    /// <summary>
    /// The barer rungs after an all-brief plan without re-checks: steps turn terse one at a time (none is numbered, and
    /// the mixed rungs fill the lengths between the styles), then each in turn chained and a bare value (lengths at small
    /// budgets in steps of 1–3 tokens), then written values are dropped, evenly spaced, until only the answer is left.
    /// </summary>
    static IEnumerable<ReasoningPlan> FromBrief(ReasoningPlan plan)
    {
        int k = plan.Steps.Count;
        var steps = plan.Steps.ToArray();
        for (int i = 0; i < k; i++)
        {
            steps[i] = StepLevel.Terse;
            yield return plan = plan with { Steps = steps.ToArray() };
        }
        for (int i = 0; i < k; i++)
            foreach (var to in new[] { StepLevel.Chained, StepLevel.Value })
            {
                steps[i] = to;
                yield return plan = plan with { Steps = steps.ToArray() };
            }
        for (int m = k - 1; m >= 1; m--)
        {
            var merged = new StepLevel[k];
            for (int i = 0; i < k; i++) merged[i] = StepLevel.Merged;
            // Keep m results at positions round(j·k/m), j = 1..m: the leaps are as even as they can be, and the last is the answer.
            for (int j = 1; j <= m; j++) merged[(int)Math.Round(j * (double)k / m, MidpointRounding.AwayFromZero) - 1] = StepLevel.Value;
            yield return plan = plan with { Steps = merged };
        }
    }

    /// <summary>The closings that read well after the plan's last written part (a bare "." only right after a number).</summary>
    public static IEnumerable<ClosingStyle> ClosingsFor(ReasoningPlan plan)
    {
        yield return ClosingStyle.Full;
        yield return ClosingStyle.Short;
        if (plan.ChecksLast) yield return ClosingStyle.Medium;
        yield return ClosingStyle.Brief;
        var written = plan.Steps.Where(s => s != StepLevel.Merged).ToArray();
        bool checkLast = plan.ChecksLast && plan.Checks.Where((c, i) => c != CheckLevel.None && plan.Steps[i] >= StepLevel.Terse).Any();
        if (!checkLast && written.Length > 0 && written[^1] is StepLevel.Value or StepLevel.Chained or StepLevel.Terse) yield return ClosingStyle.Dot;
        if (plan.Steps.Count > 0 && plan.Steps[^1] != StepLevel.Merged) yield return ClosingStyle.None; // the answer itself was written last
    }

    /// <summary>Renders the plan as thinking text (no think tags). The result never ends in whitespace.</summary>
    public static string Render(ChainProblem p, ReasoningPlan plan)
    {
        if (plan.Steps.Count != p.Difficulty || plan.Checks.Count != p.Difficulty)
            throw new ArgumentException($"plan has {plan.Steps.Count} steps for a chain of {p.Difficulty}", nameof(plan));
        var sb = new StringBuilder();
        var checkLines = plan.ChecksLast ? new StringBuilder() : sb;
        string m = I(p.Modulus);
        string ops = string.Join(' ', p.Steps.Select(s => s.Symbol + I(s.Operand)));
        if (plan.Restate == RestateLevel.Long)
            sb.Append("we start with ").Append(I(p.Start)).Append(" and apply ").Append(ops).Append(" in order, mod ").Append(m).Append(".\n");
        else if (plan.Restate == RestateLevel.Short)
            sb.Append("so: ").Append(I(p.Start)).Append(' ').Append(ops).Append(", mod ").Append(m).Append(".\n");
        for (int i = 0; i < p.Steps.Count; i++)
        {
            var s = p.Steps[i];
            string op = $"{I(s.Input)}{s.Symbol}{I(s.Operand)}";
            switch (plan.Steps[i])
            {
                case StepLevel.Verbose:
                    sb.Append("step ").Append(I(s.Index)).Append(": ").Append(op).Append(" is ")
                      .Append(s.Wraps ? $"{I(s.Raw)}, mod {m} that is {I(s.Output)}.\n" : $"{I(s.Output)}.\n");
                    break;
                case StepLevel.Brief:
                    sb.Append(op).Append('=').Append(s.Wraps ? $"{I(s.Raw)}, so {I(s.Output)}.\n" : $"{I(s.Output)}.\n");
                    break;
                case StepLevel.Terse:
                    sb.Append(op).Append('=').Append(I(s.Output)).Append(' ');
                    break;
                case StepLevel.Chained:
                    sb.Append(s.Symbol).Append(I(s.Operand)).Append('=').Append(I(s.Output)).Append(' ');
                    break;
                case StepLevel.Value:
                    sb.Append(I(s.Output)).Append(' ');
                    break;
                case StepLevel.Merged:
                    break;
            }
            if (plan.Steps[i] >= StepLevel.Brief || (plan.ChecksLast && plan.Steps[i] == StepLevel.Terse))
            {
                switch (plan.Checks[i])
                {
                    case CheckLevel.Long:
                        checkLines.Append("wait, let me verify: ").Append(op).Append('=').Append(I(s.Raw))
                          .Append(s.Wraps ? $", and {I(s.Raw)} mod {m} is {I(s.Output)}" : "").Append(". yes.\n");
                        break;
                    case CheckLevel.Short:
                        checkLines.Append("check ").Append(op).Append('=').Append(I(s.Output)).Append(", ok.\n");
                        break;
                }
            }
        }
        if (plan.ChecksLast && checkLines.Length > 0)
        {
            if (sb.Length > 0 && sb[^1] == ' ') sb[^1] = '\n'; // terse steps end in a space: the checks start a line
            sb.Append(checkLines);
        }
        string answer = I(p.Answer);
        string body = sb.ToString();
        string trimmed = body.TrimEnd();
        string sep = trimmed.Length == 0 ? "" : body.EndsWith('\n') ? "\n" : " ";
        return plan.Closing switch
        {
            ClosingStyle.None => trimmed,
            ClosingStyle.Dot => trimmed + ".",
            ClosingStyle.Brief => trimmed + sep + $"so {answer}.",
            ClosingStyle.Short => trimmed + sep + $"the answer is {answer}.",
            ClosingStyle.Medium => trimmed + sep + $"so it is {answer}.",
            ClosingStyle.Full => trimmed + sep + $"so the answer is {answer}.",
            _ => throw new ArgumentOutOfRangeException(nameof(plan)),
        };
    }

    static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
