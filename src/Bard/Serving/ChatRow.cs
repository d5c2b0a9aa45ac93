using System.Text;
using Bard.Inference;
using Bard.Text;

namespace Bard.Serving;

/// <summary>
/// One choice being generated: its ids become text through an <see cref="IncrementalDecoder"/> (complete characters,
/// cut at the first stop string), split into reasoning and content by a <see cref="ReasoningStreamParser"/>, and sent
/// to the job's delta callback as it is decided.
/// </summary>
internal sealed class ChatRow
{
    readonly ITokenizer tokenizer;
    readonly BudgetPromptFormat format;
    readonly HashSet<int> stopIds;
    readonly ReasoningStreamParser parser;
    readonly IncrementalDecoder decoder;
    readonly StringBuilder reasoning = new(), content = new();
    int generated;
    string? finishReason;

    public ChatRow(ChatJob job, int index, ITokenizer tokenizer, BudgetPromptFormat format, IReadOnlyList<int> stopIds, BudgetForcing? forcing)
    {
        (Job, Index, this.tokenizer, this.format, Forcing) = (job, index, tokenizer, format, forcing);
        this.stopIds = [.. stopIds];
        parser = new ReasoningStreamParser(format, job.Prompt.Start);
        decoder = new IncrementalDecoder(tokenizer, job.Request.Stop);
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
        Emit(parser.Feed(decoder.Add(id)));
        if (decoder.Stopped) { Finished = true; finishReason = "stop"; }
        else if (generated >= MaxTokens) { Finished = true; finishReason = "length"; }
    }

    /// <summary>Releases all held text and builds <see cref="Choice"/>.</summary>
    public void Finish()
    {
        Emit(parser.Feed(decoder.Finish()));
        Emit(parser.Finish());
        Choice = new ChatChoice(Index, reasoning.ToString(), content.ToString(), finishReason ?? "length",
            generated, CountThinking(), !parser.Opened || parser.Closed, Forcing?.WasForced(0) ?? false);
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
        if (!decoder.Stopped && tokenizer.TokenToId(format.ThinkOpen) is int open)
        {
            try
            {
                IReadOnlyList<int> all = Job.Prompt.Start == ReasoningStart.InsideThinking ? [open, .. decoder.Ids] : decoder.Ids;
                return format.CountThinkingTokens(all, tokenizer);
            }
            catch (BardException) { } // multi-token delimiters: count the text instead
        }
        return tokenizer.CountTokens(reasoning.ToString());
    }
}
