namespace Bard.Serving;

/// <summary>Where a <see cref="ReasoningStreamParser"/> starts: what the prompt's generation prompt already wrote.</summary>
public enum ReasoningStart
{
    /// <summary>The output may open a thinking block itself (the usual case).</summary>
    BeforeThinking,
    /// <summary>The prompt ended with the opening delimiter: the first generated text is thinking.</summary>
    InsideThinking,
    /// <summary>The prompt ended with a closed (often empty) thinking block, e.g. Qwen3 with enable_thinking=false: all output is answer.</summary>
    AfterThinking,
}
