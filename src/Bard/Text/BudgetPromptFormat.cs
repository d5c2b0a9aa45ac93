using System.Globalization;
using System.Text.RegularExpressions;

namespace Bard.Text;

/// <summary>Where the budget line goes in the user turn.</summary>
public enum BudgetPlacement
{
    /// <summary>After the question: <c>question + Separator + line</c> (default).</summary>
    AppendToUser,
    /// <summary>Before the question: <c>line + Separator + question</c>.</summary>
    PrependToUser,
}

/// <summary>
/// The one definition of the budget prompt in Bard: how a thinking budget enters the prompt, how thinking is
/// delimited, how its length is measured and how an output is split into thinking and answer. Training,
/// rollouts, rewards and evaluation all use this record, so a budget means the same thing everywhere.
/// Defaults: the user turn becomes <c>"{question}\nThinking budget: {b} tokens."</c>; thinking is written
/// <c>&lt;think&gt;\n…\n&lt;/think&gt;\n\n{answer}</c>; its length is the number of student tokens strictly
/// between <c>&lt;think&gt;</c> and <c>&lt;/think&gt;</c> (the newlines inside included).
/// </summary>
public sealed record BudgetPromptFormat
{
    /// <summary>The defaults above.</summary>
    public static BudgetPromptFormat Default { get; } = new();

    /// <summary>The budget line; <c>{budget}</c> (exactly once) is replaced by the budget in tokens. Default "Thinking budget: {budget} tokens.".</summary>
    public string BudgetLineTemplate { get; init; } = "Thinking budget: {budget} tokens.";

    /// <summary>Text between the question and the budget line. Default "\n" (a line of its own); " " keeps it on the question's line.</summary>
    public string Separator { get; init; } = "\n";

    /// <summary>Where the line goes. Default <see cref="BudgetPlacement.AppendToUser"/>.</summary>
    public BudgetPlacement Placement { get; init; } = BudgetPlacement.AppendToUser;

    /// <summary>Opening thinking delimiter. Default "&lt;think&gt;" (a single token in Qwen3 and in Bard's scratch tokenizers).</summary>
    public string ThinkOpen { get; init; } = "<think>";

    /// <summary>Closing thinking delimiter. Default "&lt;/think&gt;".</summary>
    public string ThinkClose { get; init; } = "</think>";

    /// <summary>Throws <see cref="BardException"/> naming the field when the format cannot work; returns this.</summary>
    public BudgetPromptFormat Validate()
    {
        int at = BudgetLineTemplate.IndexOf("{budget}", StringComparison.Ordinal);
        if (at < 0 || BudgetLineTemplate.IndexOf("{budget}", at + 1, StringComparison.Ordinal) >= 0)
            throw new BardException($"BudgetPromptFormat.BudgetLineTemplate must contain {{budget}} exactly once; got '{BudgetLineTemplate}'.");
        if (string.IsNullOrEmpty(ThinkOpen) || string.IsNullOrEmpty(ThinkClose) || ThinkOpen == ThinkClose)
            throw new BardException($"BudgetPromptFormat.ThinkOpen and ThinkClose must be non-empty and different; got '{ThinkOpen}' and '{ThinkClose}'.");
        if (ThinkClose.StartsWith(ThinkOpen, StringComparison.Ordinal))
            throw new BardException($"BudgetPromptFormat.ThinkClose must not start with ThinkOpen ('{ThinkClose}' vs '{ThinkOpen}').");
        return this;
    }

    /// <summary>The budget line for <paramref name="budgetTokens"/> ("Thinking budget: 256 tokens.").</summary>
    public string BudgetLine(int budgetTokens)
    {
        Validate();
        if (budgetTokens < 0) throw new BardException($"a thinking budget must be 0 or more tokens; got {budgetTokens}.");
        return BudgetLineTemplate.Replace("{budget}", budgetTokens.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    /// <summary>The user turn with the budget stated.</summary>
    public string AddBudget(string question, int budgetTokens) => Placement == BudgetPlacement.AppendToUser
        ? question + Separator + BudgetLine(budgetTokens)
        : BudgetLine(budgetTokens) + Separator + question;

    /// <summary>The conversation with the budget added to its last user turn; throws when there is no user turn.</summary>
    public IReadOnlyList<ChatMessage> WithBudget(IReadOnlyList<ChatMessage> messages, int budgetTokens)
    {
        int last = -1;
        for (int i = 0; i < messages.Count; i++) if (messages[i].Role == ChatRole.User) last = i;
        if (last < 0) throw new BardException("a thinking budget goes into a user turn, and the conversation has none.");
        var copy = messages.ToArray();
        copy[last] = copy[last] with { Content = AddBudget(copy[last].Content, budgetTokens) };
        return copy;
    }

    /// <summary>The budget stated in a user turn written by <see cref="AddBudget"/>, or null when it states none.</summary>
    public int? ParseBudget(string userContent)
    {
        Validate();
        foreach (Match m in LineRegex(BudgetLineTemplate).Matches(userContent))
        {
            bool placed = Placement == BudgetPlacement.AppendToUser
                ? (m.Index + m.Length == userContent.Length || (m.Index + m.Length == userContent.Length - 1 && userContent[^1] == '\n')) && Preceded(userContent, m)
                : m.Index == 0 && Followed(userContent, m);
            if (placed) return Number(m);
        }
        return null;
    }

    /// <summary>
    /// The budget stated anywhere in <paramref name="prompt"/> (a rendered chat prompt, or a bare user turn): every budget line
    /// in it is tried, the last first; one counts when the separator stands where <see cref="AddBudget"/> puts it (before the
    /// line, or after it for <see cref="BudgetPlacement.PrependToUser"/>). One pass over the prompt. Null when it states none.
    /// What the reward server reads budgets with.
    /// </summary>
    public int? FindBudget(string prompt)
    {
        Validate();
        var matches = LineRegex(BudgetLineTemplate).Matches(prompt);
        for (int i = matches.Count - 1; i >= 0; i--)
        {
            var m = matches[i];
            if ((Placement == BudgetPlacement.AppendToUser ? Preceded(prompt, m) : Followed(prompt, m)) && Number(m) is { } b) return b;
        }
        return null;
    }

    bool Preceded(string s, Match m) => m.Index >= Separator.Length && string.CompareOrdinal(s, m.Index - Separator.Length, Separator, 0, Separator.Length) == 0;
    bool Followed(string s, Match m) => string.CompareOrdinal(s, m.Index + m.Length, Separator, 0, Separator.Length) == 0;
    static int? Number(Match m) => int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int b) ? b : null;

    // One regex per template (a field would take part in the record's equality): the budget line, group 1 the number.
    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Regex> LineRegexes = new(StringComparer.Ordinal);
    static Regex LineRegex(string template) => LineRegexes.GetOrAdd(template, t =>
    {
        string[] parts = t.Split("{budget}");
        return new Regex(Regex.Escape(parts[0]) + "([0-9]+)" + Regex.Escape(parts[1]), RegexOptions.CultureInvariant);
    });

    /// <summary>The assistant turn as Bard writes SFT targets: <c>&lt;think&gt;\n{thinking}\n&lt;/think&gt;\n\n{answer}</c> (Qwen3's layout).</summary>
    public string FormatAssistant(string thinking, string answer)
    {
        Validate();
        return ThinkOpen + "\n" + thinking + "\n" + ThinkClose + "\n\n" + answer;
    }

    /// <summary>
    /// The generation prompt for a question at a budget: [system,] user (with the budget line), rendered by
    /// <paramref name="template"/> with the generation prompt (thinking on: <c>enable_thinking</c> left undefined).
    /// </summary>
    /// <remarks>A null budget renders the plain prompt (budget-agnostic models and the truncation baseline).</remarks>
    public string RenderPrompt(ChatTemplate template, string question, int? budgetTokens, string? system = null, TokenizerConfig? config = null) =>
        template.Render(Budgeted(Conversation(question, system), budgetTokens), new ChatRenderOptions { AddGenerationPrompt = true }, config);

    IReadOnlyList<ChatMessage> Budgeted(IReadOnlyList<ChatMessage> messages, int? budgetTokens) =>
        budgetTokens is { } b ? WithBudget(messages, b) : messages;

    /// <summary>
    /// An SFT example: the prompt of <see cref="RenderPrompt"/> and the completion the student learns, the rest of
    /// the rendered conversation whose assistant turn is <see cref="FormatAssistant"/>(thinking, answer) (for Qwen3
    /// and ChatML it ends with &lt;|im_end|&gt;\n). Throws when the template does not render the prompt as a prefix of
    /// the conversation, since such a pair could not be trained on exactly.
    /// </summary>
    public (string Prompt, string Completion) RenderExample(ChatTemplate template, string question, int? budgetTokens,
        string thinking, string answer, string? system = null, TokenizerConfig? config = null)
    {
        string prompt = RenderPrompt(template, question, budgetTokens, system, config);
        var messages = Budgeted(Conversation(question, system), budgetTokens).Append(ChatMessage.Assistant(FormatAssistant(thinking, answer))).ToList();
        string full = template.Render(messages, new ChatRenderOptions(), config);
        if (!full.StartsWith(prompt, StringComparison.Ordinal))
            throw new BardException("the chat template does not render the generation prompt as a prefix of the whole conversation, "
                + "so prompt and completion cannot be split exactly; use a template whose assistant turn starts as its generation prompt does.");
        return (prompt, full[prompt.Length..]);
    }

    static List<ChatMessage> Conversation(string question, string? system)
    {
        var messages = new List<ChatMessage>();
        if (system is not null) messages.Add(ChatMessage.System(system));
        messages.Add(ChatMessage.User(question));
        return messages;
    }

    /// <summary>
    /// Splits an assistant output into preamble, thinking and answer. Robust to: text before the opening tag
    /// (kept as the preamble); a missing closing tag (all the rest is thinking, <c>Closed</c> false); a missing
    /// opening tag with a closing one (the prompt opened the block: thinking is the text before the closing tag);
    /// no tags at all (all answer); empty thinking. Only the first opening and the first closing tag after it count.
    /// </summary>
    public ThinkingSplit Split(string output)
    {
        Validate();
        int open = output.IndexOf(ThinkOpen, StringComparison.Ordinal);
        int close = output.IndexOf(ThinkClose, open < 0 ? 0 : open + ThinkOpen.Length, StringComparison.Ordinal);
        if (open < 0 && close < 0) return new ThinkingSplit("", "", output, Opened: false, Closed: false);
        string preamble = open < 0 ? "" : output[..open];
        int start = open < 0 ? 0 : open + ThinkOpen.Length;
        if (close < 0) return new ThinkingSplit(preamble, output[start..], "", Opened: true, Closed: false);
        string answer = output[(close + ThinkClose.Length)..].TrimStart('\n');
        return new ThinkingSplit(preamble, output[start..close], answer, Opened: open >= 0, Closed: true);
    }

    /// <summary>
    /// The thinking as written: <see cref="ThinkingSplit.Thinking"/> without the layout newline that
    /// <see cref="FormatAssistant"/> puts after the opening delimiter and before the closing one.
    /// </summary>
    public static string ThinkingText(ThinkingSplit split)
    {
        string t = split.Thinking;
        if (t.StartsWith('\n')) t = t[1..];
        if (split.Closed && t.EndsWith('\n')) t = t[..^1];
        return t;
    }

    /// <summary>
    /// Thinking length L of an assistant output, Bard's one definition: the student's tokens of
    /// <see cref="ThinkingText"/> — what the teacher and the compressor wrote, measured the same way as a
    /// budgeted sample's <c>thinking_tokens</c>, so that a trace compressed to b tokens measures b again.
    /// </summary>
    public int CountThinkingTokens(string output, ITokenizer tokenizer) => tokenizer.CountTokens(ThinkingText(Split(output)));

    /// <summary>
    /// Thinking length L of reasoning as a server returns it (<c>reasoning_content</c>: the text between the delimiters,
    /// layout newlines included), by the same definition as <see cref="CountThinkingTokens(string, ITokenizer)"/>.
    /// </summary>
    public static int CountReasoningTokens(string reasoning, bool closed, ITokenizer tokenizer) =>
        tokenizer.CountTokens(ThinkingText(new ThinkingSplit("", reasoning, "", Opened: true, Closed: closed)));

    /// <summary>The id of "\n" when it is one token of <paramref name="tokenizer"/>: the layout newline budget forcing writes before a forced &lt;/think&gt;.</summary>
    public static int? LayoutNewlineId(ITokenizer tokenizer) => tokenizer.Encode("\n") is [int id] ? id : null;

    /// <summary>Thinking length of generated ids: <see cref="CountThinkingTokens(string, ITokenizer)"/> of their decoding (special tokens kept).</summary>
    public int CountThinkingTokens(IReadOnlyList<int> ids, ITokenizer tokenizer) =>
        CountThinkingTokens(tokenizer.Decode(ids, skipSpecialTokens: false), tokenizer);
}
