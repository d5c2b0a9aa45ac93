namespace Bard.Data.Import;

/// <summary>Shapes of real teacher-trace files that <c>bard data import</c> reads.</summary>
public enum TraceImportFormat
{
    /// <summary>One response field holding <c>&lt;think&gt;…&lt;/think&gt;</c> then the final answer text (an opening tag may be missing, as chat templates often add it).</summary>
    ThinkTags,

    /// <summary>Separate <c>reasoning_content</c> and <c>content</c> fields: the DeepSeek API / vLLM reasoning-parser shape.</summary>
    ReasoningContent,

    /// <summary>The normalized Sky-T1 file (<c>thinking</c>, <c>thought_closed</c>, <c>problem</c>, <c>gold_answer</c>, …), or raw Sky-T1 responses with <c>&lt;|begin_of_thought|&gt;</c> markers.</summary>
    SkyT1,
}
