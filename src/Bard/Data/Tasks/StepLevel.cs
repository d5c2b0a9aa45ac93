namespace Bard.Data.Tasks;

/// <summary>How one step of a chain is written in the reasoning, from absent to richest (the order is the richness order).</summary>
public enum StepLevel
{
    /// <summary>Not written: the next written value covers this operation too (a merged step, a harder leap).</summary>
    Merged,
    /// <summary>Only the result: <c>4 </c>.</summary>
    Value,
    /// <summary>The operation on the previous written value and its result: <c>*2=4 </c>.</summary>
    Chained,
    /// <summary>The operation and its reduced result: <c>7*2=4 </c>.</summary>
    Terse,
    /// <summary>The operation, its raw result and the reduction: <c>7*2=14, so 4.</c></summary>
    Brief,
    /// <summary>A numbered sentence: <c>step 2: 7*2 is 14, mod 10 that is 4.</c></summary>
    Verbose,
}
