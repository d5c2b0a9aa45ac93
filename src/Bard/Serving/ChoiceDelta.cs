namespace Bard.Serving;

/// <summary>A piece of a streamed choice: new reasoning and/or content text ("" when none).</summary>
/// <param name="Index">The choice it belongs to.</param>
/// <param name="Reasoning">New thinking text.</param>
/// <param name="Content">New answer text.</param>
public sealed record ChoiceDelta(int Index, string Reasoning, string Content);
