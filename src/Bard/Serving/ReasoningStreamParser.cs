using Bard.Text;

namespace Bard.Serving;

/// <summary>
/// Splits generated text, fed piece by piece, into reasoning (the text inside &lt;think&gt;…&lt;/think&gt;) and content
/// (the answer), as vLLM's reasoning parsers do, with the delimiters of <see cref="BudgetPromptFormat"/>. Text that
/// might be the start of a delimiter is held back until it is decided, so the deltas never change once emitted and
/// the streamed and the non-streamed answers are the same. Like <see cref="BudgetPromptFormat.Split"/>, the newlines
/// that open the answer are dropped; unlike it, text before an opening tag is kept as content only when it is not
/// blank. Works on text only; one instance per choice.
/// </summary>
public sealed class ReasoningStreamParser(BudgetPromptFormat format, ReasoningStart start = ReasoningStart.BeforeThinking)
{
    enum State { Before, Thinking, AnswerStart, Answer }

    State state = start switch { ReasoningStart.InsideThinking => State.Thinking, ReasoningStart.AfterThinking => State.AnswerStart, _ => State.Before };
    string pending = "";

    /// <summary>Whether an opening delimiter was seen (or the prompt opened the block).</summary>
    public bool Opened { get; private set; } = start != ReasoningStart.BeforeThinking;
    /// <summary>Whether the thinking block was closed.</summary>
    public bool Closed { get; private set; } = start == ReasoningStart.AfterThinking;

    /// <summary>Adds generated text; returns the reasoning and content decided by it ("" when none).</summary>
    public (string Reasoning, string Content) Feed(string text)
    {
        pending += text;
        return Drain(final: false);
    }

    /// <summary>Ends the output: everything held back is released (an unclosed block's text is reasoning).</summary>
    public (string Reasoning, string Content) Finish() => Drain(final: true);

    (string, string) Drain(bool final)
    {
        string reasoning = "", content = "";
        while (true)
        {
            switch (state)
            {
                case State.Before:
                {
                    int open = pending.IndexOf(format.ThinkOpen, StringComparison.Ordinal);
                    if (open >= 0)
                    {
                        string pre = pending[..open];
                        if (pre.Trim().Length > 0) content += pre;
                        pending = pending[(open + format.ThinkOpen.Length)..];
                        state = State.Thinking;
                        Opened = true;
                        continue;
                    }
                    int close = pending.IndexOf(format.ThinkClose, StringComparison.Ordinal);
                    if (close >= 0)
                    {
                        // A closing tag with no opening one: the prompt opened the block (Split reads it the same way).
                        reasoning += pending[..close];
                        pending = pending[(close + format.ThinkClose.Length)..];
                        state = State.AnswerStart;
                        Opened = Closed = true;
                        continue;
                    }
                    if (final) { if (pending.Trim().Length > 0) content += pending; pending = ""; return (reasoning, content); }
                    int keep = HeldBack(pending, format.ThinkOpen, format.ThinkClose);
                    // Blank text before a possible <think> is held: it is dropped if the block opens next.
                    if (pending[..^keep].Trim().Length == 0) return (reasoning, content);
                    content += pending[..^keep];
                    pending = pending[^keep..];
                    return (reasoning, content);
                }
                case State.Thinking:
                {
                    int close = pending.IndexOf(format.ThinkClose, StringComparison.Ordinal);
                    if (close >= 0)
                    {
                        reasoning += pending[..close];
                        pending = pending[(close + format.ThinkClose.Length)..];
                        state = State.AnswerStart;
                        Closed = true;
                        continue;
                    }
                    int keep = final ? 0 : HeldBack(pending, format.ThinkClose);
                    reasoning += pending[..^keep];
                    pending = pending[^keep..];
                    return (reasoning, content);
                }
                case State.AnswerStart:
                    pending = pending.TrimStart('\n');
                    if (pending.Length == 0) return (reasoning, content);
                    state = State.Answer;
                    continue;
                default:
                    content += pending;
                    pending = "";
                    return (reasoning, content);
            }
        }
    }

    /// <summary>Length of the longest suffix of <paramref name="text"/> that is a proper prefix of one of the delimiters.</summary>
    static int HeldBack(string text, params string[] delimiters)
    {
        int best = 0;
        foreach (var d in delimiters)
            for (int k = Math.Min(d.Length - 1, text.Length); k > best; k--)
                if (text.AsSpan(text.Length - k).SequenceEqual(d.AsSpan(0, k))) { best = k; break; }
        return best;
    }
}
