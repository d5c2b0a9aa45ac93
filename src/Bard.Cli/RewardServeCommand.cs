using Bard.Eval;
using Bard.Data;
using Bard.Rl;
using Bard.Serving;

namespace Bard.Cli;

/// <summary><c>bard reward-serve</c>: the BARD reward as an OpenRLHF remote reward model (docs/openrlhf.md).</summary>
public sealed class RewardServeCommand : CliCommand
{
    public override string Name => "reward-serve";
    public override string Summary => "Serve the BARD reward at POST /get_reward (OpenRLHF --remote_rm_url, verl).";
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--host", "Address to bind.") { Default = "127.0.0.1", ValueName = "ADDR" },
        new("--port", "TCP port (0 = any free port).") { Default = "5000", ValueName = "PORT" },
        new("--tokenizer", "Student's Hugging Face tokenizer folder (budgets count its tokens); default: the task's character tokenizer.") { ValueName = "DIR" },
        new("--task", "Task whose tokenizer is the default.") { Default = ReasoningTasks.DefaultName, ValueName = "NAME" },
        new("--tolerance", "τ of the budget fidelity (f = 0 at τ·b off the budget).") { Default = "0.5", ValueName = "X" },
        new("--no-format-gate", "Do not zero the reward of responses whose thinking never closed.") { IsFlag = true },
        new("--api-key", "Require 'Authorization: Bearer KEY' (prefer --api-key-env: a command line is visible to other users).") { ValueName = "KEY" },
        new("--api-key-env", "Read the required API key from this environment variable.") { ValueName = "VAR" },
        new("--max-body-bytes", "Largest request body accepted (413 above); a rollout batch of long completions is large.") { Default = "67108864", ValueName = "BYTES" },
        new("--max-response-chars", "Longest response scored, in characters (413 above): counting its tokens costs memory in proportion to its length.") { Default = "1000000", ValueName = "N" },
        new("--request-timeout", "Longest a request may take, reading its body included (408 while reading, 504 while scoring).") { Default = "600", ValueName = "SECONDS" },
        new("--answer-kind", "How answers are checked against the labels: math, choice or task (the verifiers bard eval uses).") { Default = "math", ValueName = "KIND" },
    ];

    public override int Run(ParsedOptions o, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var tokenizer = o.String("--tokenizer") is { } dir ? TokenizerLoader.LoadTokenizer(dir) : ReasoningTasks.Create(o.RequiredString("--task")).CreateTokenizer();
        var options = new RewardServeOptions
        {
            Host = o.RequiredString("--host"),
            Port = o.Int("--port"),
            ApiKey = ServerLifetime.ApiKey(o),
            MaxBodyBytes = o.Long("--max-body-bytes"),
            MaxResponseChars = o.Int("--max-response-chars"),
            RequestTimeout = ServerLifetime.Seconds(o, "--request-timeout"),
            Reward = new RewardConfig { Tolerance = o.Double("--tolerance"), FormatGate = !o.Flag("--no-format-gate") },
        }.Validate();
        var verifier = AnswerVerifiers.For(RlCommand.AnswerKindOption(o.RequiredString("--answer-kind"), []));
        var server = RewardServer.StartAsync(new BudgetRewardScorer(options, tokenizer, verifier), options, cancel).GetAwaiter().GetResult();
        server.Log = line => { lock (stderr) stderr.WriteLine(line); };
        stdout.WriteLine($"bard reward-serve: POST {server.RewardUrl} ({(options.ApiKey is null ? "no API key" : "API key required")}); Ctrl-C or SIGTERM stops.");
        stdout.Flush();
        ServerLifetime.WaitForShutdown(cancel);
        server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        stdout.WriteLine("bard reward-serve: stopped.");
        return 0;
    }
}
