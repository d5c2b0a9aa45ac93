using System.Text.Encodings.Web;
using System.Text.Json;
using Bard.Text;

namespace Bard.Cli;

/// <summary>`bard tokenize`: a text, or a conversation rendered with the checkpoint's chat template, to token ids.</summary>
public sealed class TokenizeCommand : CliCommand
{
    public override string Name => "tokenize";
    public override string Summary => "Encode a text, or render and encode a conversation, with a checkpoint's tokenizer.";
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--tokenizer", "Folder with tokenizer.json (and tokenizer_config.json for --messages).") { Required = true, ValueName = "DIR" },
        new("--text", "Text to encode (added tokens such as <think> written in it are recognised).") { ValueName = "TEXT" },
        new("--messages", "JSON array of {\"role\", \"content\"} to render with the chat template and encode.") { ValueName = "FILE" },
        new("--add-generation-prompt", "With --messages: end with the start of an assistant turn.") { IsFlag = true },
        new("--enable-thinking", "With --messages: the template's enable_thinking (unset leaves it undefined).") { ValueName = "true|false" },
        new("--add-special-tokens", "With --text: add the post-processor's special tokens (Llama's and Gemma's BOS), as transformers' tokenizer(text) does; Bard counts budgets without them.") { IsFlag = true },
        new("--json", "Print {\"ids\": [...]} (with --messages: {\"text\": ..., \"ids\": [...]}).") { IsFlag = true },
    ];

    static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override int Run(ParsedOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        bool hasText = options.Has("--text"), hasMessages = options.Has("--messages");
        if (hasText == hasMessages)
            throw new UsageException("bard tokenize: give exactly one of --text TEXT or --messages FILE.");
        if (hasMessages && options.Flag("--add-special-tokens"))
            throw new UsageException("bard tokenize: --add-special-tokens applies to --text only (a chat template writes its own BOS).");
        if (hasText && (options.Has("--add-generation-prompt") || options.Has("--enable-thinking")))
            throw new UsageException("bard tokenize: --add-generation-prompt and --enable-thinking apply to --messages only.");
        bool? enableThinking = options.String("--enable-thinking") switch
        {
            null => null,
            "true" => true,
            "false" => false,
            var v => throw new UsageException($"bard tokenize: option --enable-thinking must be true or false, got '{v}'."),
        };

        var tokenizer = HfTokenizer.Load(options.RequiredString("--tokenizer"));
        bool json = options.Flag("--json");
        if (hasText)
        {
            int[] ids = tokenizer.Encode(options.RequiredString("--text"), options.Flag("--add-special-tokens"));
            stdout.WriteLine(json ? JsonSerializer.Serialize(new { ids }, JsonOptions) : string.Join(' ', ids));
            return 0;
        }

        string file = options.RequiredString("--messages");
        if (!File.Exists(file)) throw new BardException($"{file}: not found. --messages takes a JSON file with an array of {{\"role\", \"content\"}}.");
        var config = tokenizer.Config ?? throw new BardException(
            $"{options.RequiredString("--tokenizer")}: has no tokenizer_config.json, so no chat template to render --messages with.");
        string text = ChatTemplate.FromConfig(config, Path.Combine(options.RequiredString("--tokenizer"), "tokenizer_config.json"))
            .RenderJson(File.ReadAllText(file), new ChatRenderOptions { AddGenerationPrompt = options.Flag("--add-generation-prompt"), EnableThinking = enableThinking }, config, file);
        int[] messageIds = tokenizer.Encode(text);
        if (json) stdout.WriteLine(JsonSerializer.Serialize(new { text, ids = messageIds }, JsonOptions));
        else
        {
            stdout.Write(text);
            if (!text.EndsWith('\n')) stdout.WriteLine();
            stdout.WriteLine($"--- {messageIds.Length} tokens");
            stdout.WriteLine(string.Join(' ', messageIds));
        }
        return 0;
    }
}
