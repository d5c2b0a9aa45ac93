namespace Bard.Data.Import;

/// <summary>Why a well-formed imported line gave no trace.</summary>
public enum ImportSkipReason
{
    /// <summary>Imported.</summary>
    None,
    /// <summary>The thinking was never closed (<c>&lt;think&gt;</c> without <c>&lt;/think&gt;</c>, or <c>thought_closed</c> false): the generation was cut off, so there is no final answer to learn.</summary>
    Truncated,
    /// <summary>The response has no thinking at all (a short answer without a thought block).</summary>
    NoThinking,
}
