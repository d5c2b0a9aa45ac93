namespace Bard.Data.Tasks;

/// <summary>
/// Which parts of a chain's reasoning are written and how richly: the one thing the teacher and the
/// compressor decide. <see cref="ChainReasoning.Render"/> turns a plan into text.
/// </summary>
/// <param name="Restate">How the problem is restated first.</param>
/// <param name="Steps">Level of each step, in chain order.</param>
/// <param name="Checks">Re-check after each step (ignored for steps below <see cref="StepLevel.Brief"/>).</param>
/// <param name="Closing">The closing sentence.</param>
public sealed record ReasoningPlan(RestateLevel Restate, IReadOnlyList<StepLevel> Steps, IReadOnlyList<CheckLevel> Checks, ClosingStyle Closing)
{
    /// <summary>
    /// Re-checks are written after the last step (in step order, before the closing) instead of after the step they check:
    /// <see cref="EmbeddedTaskOptions.PadAfterSteps"/> (the padded ladder's plans). The teacher writes them inline.
    /// </summary>
    public bool ChecksLast { get; init; }

    /// <summary>Number of steps whose result is written (not merged).</summary>
    public int WrittenSteps => Steps.Count(s => s != StepLevel.Merged);

    /// <summary>Steps written as a bare <see cref="StepLevel.Value"/>: a result without the operation that made it.</summary>
    public int BareValues => Steps.Count(s => s == StepLevel.Value);

    /// <summary>The largest number of operations one written result covers (1 = no merged steps).</summary>
    public int LargestLeap
    {
        get
        {
            int largest = 0, run = 0;
            foreach (var s in Steps)
            {
                run++;
                if (s != StepLevel.Merged) { largest = Math.Max(largest, run); run = 0; }
            }
            return Math.Max(largest, run);
        }
    }
}
