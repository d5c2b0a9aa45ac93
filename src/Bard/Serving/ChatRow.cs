using System.Text;
using Bard.Inference;
using Bard.Text;

namespace Bard.Serving;

/// <summary>
/// One choice being generated: turns its token ids into text incrementally (text ending in an incomplete UTF-8
/// character, U+FFFD, is held until the next token completes it), cuts it at the first stop string (holding back
/// text that may start one), and splits it into reasoning and content with a <see cref="ReasoningStreamParser"/>.
/// </summary>
internal sealed class ChatRow
{
    readonly ITokenizer tokenizer;
    readonly BudgetPromptFormat format;
    readonly HashSet<int> stopIds;
    readonly ReasoningStreamParser parser;
    readonly List<int> ids = [];
    readonly StringBuilder reasoning = new(), content = new();
    int generated, released;
    bool stopStringHit;
    string? finishReason;

    public ChatRow(ChatJob job, int index, ITokenizer tokenizer, BudgetPromptFormat format, IReadOnlyList<int> stopIds, BudgetForcing? forcing)
    {
        (Job, Index, this.tokenizer, this.format, Forcing) = (job, index, tokenizer, format, forcing);
        this.stopIds = [.. stopIds];
        parser = new ReasoningStreamParser(format, job.Prompt.Start);
    }

    public ChatJob Job { get; }
    public int Index { get; }
    public BudgetForcing? Forcing { get; }
    public int MaxTokens => Job.Prompt.MaxTokens;
    /// <summary>The row needs no more tokens (stop token or string, max_tokens).</summary>
    public bool Finished { get; private set; }
    /// <summary>The finished choice, after <see cref="Finish"/>.</summary>
    public ChatChoice? Choice { get; private set; }

    /// <summary>Takes the token generated for this row at one step.</summary>
    public void Accept(int id)
    {
        if (Finished) return; // the step after a stop string: the row is ending
        generated++;
        if (stopIds.Contains(id)) { Finished = true; finishReason = "stop"; return; }
        ids.Add(id);
        Release(tokenizer.Decode(ids, skipSpecialTokens: true), final: false);
        if (!Finished && generated >= MaxTokens) { Finished = true; finishReason = "length"; }
    }

    /// <summary>Releases all held text and builds <see cref="Choice"/>.</summary>
    public void Finish()
    {
        if (!stopStringHit) Release(tokenizer.Decode(ids, skipSpecialTokens: true), final: true);
        Emit(parser.Finish());
        int thinking = CountThinking();
        Choice = new ChatChoice(Index, reasoning.ToString(), content.ToString(), finishReason ?? "length",
            generated, thinking, !parser.Opened || parser.Closed);
    }

    void Release(string text, bool final)
    {
        var stops = Job.Request.Stop;
        if (stops.Count > 0)
        {
            int from = Math.Max(0, released - stops.Max(s => s.Length) + 1), at = -1;
            foreach (var s in stops)
            {
                int i = text.IndexOf(s, from, StringComparison.Ordinal);
                if (i >= 0 && (at < 0 || i < at)) at = i;
            }
            if (at >= 0)
            {
                if (at > released) Emit(parser.Feed(text[released..at]));
                released = Math.Max(released, at);
                stopStringHit = Finished = true;
                finishReason = "stop";
                return;
            }
        }
        int limit = text.Length;
        if (!final)
        {
            while (limit > released && text[limit - 1] == '\uFFFD') limit--;
            foreach (var s in stops)
                for (int k = Math.Min(s.Length - 1, limit - released); k > 0; k--)
                    if (text.AsSpan(limit - k, k).SequenceEqual(s.AsSpan(0, k))) { limit -= k; break; }
        }
        if (limit > released)
        {
            Emit(parser.Feed(text[released..limit]));
            released = limit;
        }
    }

    void Emit((string Reasoning, string Content) d)
    {
        if (d.Reasoning.Length == 0 && d.Content.Length == 0) return;
        reasoning.Append(d.Reasoning);
        content.Append(d.Content);
        Job.OnDelta?.Invoke(new ChoiceDelta(Index, d.Reasoning, d.Content));
    }

    int CountThinking()
    {
        if (Job.Prompt.Start == ReasoningStart.AfterThinking) return 0;
        if (!stopStringHit && tokenizer.TokenToId(format.ThinkOpen) is int open)
        {
            try
            {
                var all = Job.Prompt.Start == ReasoningStart.InsideThinking ? [open, .. ids] : ids;
                return format.CountThinkingTokens(all, tokenizer);
            }
            catch (BardException) { } // multi-token delimiters: count the text instead
        }
        return tokenizer.CountTokens(reasoning.ToString());
    }
}
