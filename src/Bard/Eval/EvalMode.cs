namespace Bard.Eval;

/// <summary>How the budget reaches the model during evaluation.</summary>
public enum EvalMode
{
    /// <summary>BARD: the budget line is in the prompt; the model decides how long to think.</summary>
    Budget,
    /// <summary>Budget forcing (truncation): no budget in the prompt; when thinking reaches b tokens the closing delimiter is forced and the model answers within a small allowance.</summary>
    Truncate,
    /// <summary>No budget at all: the model thinks as long as it likes (reported once, not per budget).</summary>
    None,
}
