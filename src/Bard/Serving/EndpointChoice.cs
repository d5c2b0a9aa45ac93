namespace Bard.Serving;

/// <summary>One choice an OpenAI-compatible server returned, its reasoning held apart from its answer.</summary>
/// <param name="Index">Position among the n choices.</param>
/// <param name="Reasoning">The thinking: <c>reasoning_content</c> (or vLLM's newer <c>reasoning</c>) when the server splits it, else the text inside &lt;think&gt;…&lt;/think&gt; in the content; "" when none.</param>
/// <param name="Content">The answer (the content without its think block).</param>
/// <param name="FinishReason">"stop", "length", … as the server said; null when it did not say.</param>
/// <param name="ThinkingClosed">False when the content opened a think block and never closed it.</param>
public sealed record EndpointChoice(int Index, string Reasoning, string Content, string? FinishReason, bool ThinkingClosed = true);
