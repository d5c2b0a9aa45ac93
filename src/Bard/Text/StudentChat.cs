namespace Bard.Text;

/// <summary>
/// How text meets a student's token ids, in one place: its tokenizer, its chat template and the budget
/// prompt format. Builds budgeted (or plain) generation prompts, splits SFT examples into prompt and
/// completion ids, and reads generated ids back as thinking and answer. Training, RL, evaluation and
/// serving all go through it, so the student sees one format everywhere.
/// </summary>
public sealed class StudentChat
{
    public StudentChat(ITokenizer tokenizer, ChatTemplate template, TokenizerConfig? config, BudgetPromptFormat format)
    {
        Tokenizer = tokenizer;
        Template = template;
        Config = config;
        Format = format.Validate();
        string eos = config?.EosToken ?? ChatML.ImEnd;
        EndOfTurnId = tokenizer.TokenToId(eos)
            ?? throw new BardException($"the tokenizer has no id for its end-of-turn token '{eos}' (tokenizer_config.json eos_token).");
        ThinkOpenId = tokenizer.TokenToId(format.ThinkOpen);
        ThinkCloseId = tokenizer.TokenToId(format.ThinkClose);
        LayoutNewlineId = BudgetPromptFormat.LayoutNewlineId(tokenizer);
    }

    /// <summary>Reads tokenizer.json and tokenizer_config.json (its chat_template) from a checkpoint or tokenizer folder.</summary>
    public static StudentChat Load(string dir, BudgetPromptFormat? format = null)
    {
        var config = TokenizerConfig.Load(dir);
        if (config.ChatTemplate is null)
            throw new BardException($"{dir}: tokenizer_config.json has no chat_template; Bard needs one to build prompts (ChatML works: see docs/text.md).");
        return new StudentChat(HfTokenizer.Load(dir), ChatTemplate.FromConfig(config), config, format ?? BudgetPromptFormat.Default);
    }

    public ITokenizer Tokenizer { get; }
    public ChatTemplate Template { get; }
    public TokenizerConfig? Config { get; }
    public BudgetPromptFormat Format { get; }
    /// <summary>The token that ends an assistant turn (eos_token: &lt;|im_end|&gt; for ChatML and Qwen).</summary>
    public int EndOfTurnId { get; }
    /// <summary>Single-token thinking delimiters, when the vocabulary has them (needed for budget forcing).</summary>
    public int? ThinkOpenId { get; }
    public int? ThinkCloseId { get; }
    /// <summary>The id of "\n" when it is a single token (budget forcing writes it before a forced close; see <see cref="Inference.BudgetForcing"/>).</summary>
    public int? LayoutNewlineId { get; }

    /// <summary>Ids of the generation prompt for a question; the budget line is added unless <paramref name="budget"/> is null.</summary>
    public int[] Prompt(string question, int? budget, string? system = null) =>
        Tokenizer.Encode(Format.RenderPrompt(Template, question, budget, system, Config));

    /// <summary>
    /// An SFT example as (prompt ids, completion ids): the completion is the assistant turn — thinking in its
    /// delimiters, the answer — through the end-of-turn token, and nothing after it.
    /// </summary>
    public (int[] Prompt, int[] Completion) Example(string question, int? budget, string thinking, string answer, string? system = null)
    {
        var (prompt, completion) = Format.RenderExample(Template, question, budget, thinking, answer, system, Config);
        var ids = Tokenizer.Encode(completion);
        int end = Array.IndexOf(ids, EndOfTurnId);
        if (end < 0) throw new BardException($"the chat template's assistant turn does not end with the end-of-turn token (id {EndOfTurnId}).");
        return (Tokenizer.Encode(prompt), ids[..(end + 1)]);
    }

    /// <summary>
    /// An SFT example from a whole conversation whose last turn is the assistant's (the chat-messages JSONL of
    /// TRL and <c>bard data build --export chat</c>): everything before that turn plus the generation prompt is
    /// the prompt; the assistant turn through its end-of-turn token is the completion.
    /// </summary>
    public (int[] Prompt, int[] Completion) Example(IReadOnlyList<ChatMessage> conversation)
    {
        if (conversation.Count < 2 || conversation[^1].Role != ChatRole.Assistant)
            throw new BardException("a training conversation needs at least one turn before a final assistant turn.");
        string prompt = Template.Render(conversation.Take(conversation.Count - 1).ToList(), new ChatRenderOptions { AddGenerationPrompt = true }, Config);
        string full = Template.Render(conversation, new ChatRenderOptions(), Config);
        if (!full.StartsWith(prompt, StringComparison.Ordinal))
            throw new BardException("the chat template does not render the generation prompt as a prefix of the conversation; prompt and completion cannot be split exactly.");
        var ids = Tokenizer.Encode(full[prompt.Length..]);
        int end = Array.IndexOf(ids, EndOfTurnId);
        if (end < 0) throw new BardException($"the assistant turn does not end with the end-of-turn token (id {EndOfTurnId}).");
        return (Tokenizer.Encode(prompt), ids[..(end + 1)]);
    }

    /// <summary>
    /// Reads generated ids up to the end-of-turn token: splits thinking from answer and measures the thinking
    /// length L (<see cref="BudgetPromptFormat.CountThinkingTokens(string, ITokenizer)"/>: the thinking as written,
    /// in this tokenizer; to the end of the output when the thinking never closed).
    /// </summary>
    public (ThinkingSplit Split, int ThinkingTokens) Read(IReadOnlyList<int> completion)
    {
        int end = -1;
        for (int i = 0; i < completion.Count; i++) if (completion[i] == EndOfTurnId) { end = i; break; }
        var body = end < 0 ? completion : completion.Take(end).ToList();
        var split = Format.Split(Tokenizer.Decode(body));
        int thinking = Tokenizer.CountTokens(BudgetPromptFormat.ThinkingText(split));
        return (split with { Answer = split.Answer.Trim() }, thinking);
    }
}
