using System.Text.Encodings.Web;
using System.Text.Json;
using Bard.Eval;

namespace Bard.Cli;

/// <summary>`bard check-answer`: grade one response against a gold answer and show what was read from it.</summary>
public sealed class CheckAnswerCommand : CliCommand
{
    public override string Name => "check-answer";
    public override string Summary => "Grade a response against a gold answer with the verifier that rewards and evaluation use.";
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--kind", "Answer kind: math (GSM8K, MATH-500, AIME), choice (GPQA letter) or task (the embedded task).") { Default = "math", ValueName = "KIND" },
        new("--gold", "The gold answer (e.g. 42, \\frac{1}{3}, B).") { Required = true, ValueName = "G" },
        new("--response", "The response text (thinking before </think> is ignored). Give this or --response-file.") { ValueName = "TEXT" },
        new("--response-file", "Read the response from this file instead.") { ValueName = "FILE" },
        new("--json", "Print {\"extracted\":…,\"correct\":…,\"reason\":…} instead of a sentence.") { IsFlag = true },
    ];

    // Readable quotes and LaTeX in the output ("'" rather than "\u0027"); still valid JSON.
    static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override int Run(ParsedOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        string kindText = options.RequiredString("--kind");
        if (!Enum.TryParse<AnswerKind>(kindText, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(kindText, out _))
            throw new UsageException($"bard {Name}: --kind must be math, choice or task, got '{kindText}'.");
        string gold = options.RequiredString("--gold");
        string response = ReadResponse(options);
        var verdict = AnswerVerifiers.For(kind).Check(response, gold);
        if (options.Flag("--json"))
            stdout.WriteLine(JsonSerializer.Serialize(new { extracted = verdict.Extracted, correct = verdict.Correct, reason = verdict.Reason }, Json));
        else
            stdout.WriteLine($"{(verdict.Correct ? "correct" : "incorrect")}: extracted {(verdict.Extracted is null ? "nothing" : $"'{verdict.Extracted}'")} ({verdict.Reason})");
        return 0;
    }

    string ReadResponse(ParsedOptions options)
    {
        bool text = options.Has("--response"), file = options.Has("--response-file");
        if (text == file) throw new UsageException($"bard {Name}: give exactly one of --response TEXT or --response-file FILE.");
        if (text) return options.RequiredString("--response");
        string path = options.RequiredString("--response-file");
        if (!File.Exists(path)) throw new BardException($"--response-file '{path}' does not exist. Pass the path of a text file holding the response.");
        return File.ReadAllText(path);
    }
}
