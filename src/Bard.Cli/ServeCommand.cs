using Bard.Serving;
using Bard.Text;

namespace Bard.Cli;

/// <summary><c>bard serve</c>: serves a checkpoint behind an OpenAI-compatible API (docs/serving.md).</summary>
public sealed class ServeCommand : CliCommand
{
    public override string Name => "serve";
    public override string Summary => "Serve a checkpoint with an OpenAI-compatible chat API (thinking_budget, streaming, batching).";
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        ModelOptions.Model,
        ModelOptions.Adapter,
        ModelOptions.DType,
        ModelOptions.Device,
        new("--host", "Address to bind (loopback by default).") { Default = "127.0.0.1", ValueName = "ADDR" },
        new("--port", "TCP port (0 = any free port).") { Default = "8000", ValueName = "PORT" },
        new("--api-key", "Require 'Authorization: Bearer KEY' (prefer --api-key-env: a command line is visible to other users).") { ValueName = "KEY" },
        new("--api-key-env", "Read the required API key from this environment variable.") { ValueName = "VAR" },
        new("--served-model-name", "Model name clients send; default: the checkpoint folder's name.") { ValueName = "NAME" },
        new("--max-batch", "Most rows (requests × n) generated together.") { Default = "8", ValueName = "N" },
        new("--batch-window-ms", "How long to wait for requests to join a batch.") { Default = "5", ValueName = "MS" },
        new("--max-queue", "Most requests waiting; more get 503.") { Default = "64", ValueName = "N" },
        new("--max-body-bytes", "Largest request body accepted (413 above).") { Default = "1048576", ValueName = "BYTES" },
        new("--request-timeout", "Longest a request may take, reading its body included (408 while reading, 504 after).") { Default = "600", ValueName = "SECONDS" },
        new("--default-max-tokens", "max_tokens when a request leaves it out.") { Default = "256", ValueName = "N" },
        new("--budget-enforcement", "How thinking_budget (and the budget fields that do not say) is applied when a request sends no budget_enforcement: prompt (state it; BARD students keep it) or force (also close the thinking at b). Hard-cap fields such as vLLM's thinking_token_budget always force.") { Default = "prompt", ValueName = "MODE" },
        new("--effort-budgets", "Budgets of reasoning_effort / reasoning.effort levels, e.g. low=256,medium=1024,high=4096; without it effort levels get a 400.") { ValueName = "TABLE" },
    ];

    public override int Run(ParsedOptions o, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        string dir = o.RequiredString("--model");
        var options = new ServeOptions
        {
            Host = o.RequiredString("--host"),
            Port = o.Int("--port"),
            ApiKey = ServerLifetime.ApiKey(o),
            ModelName = o.String("--served-model-name") ?? new DirectoryInfo(Path.GetFullPath(dir)).Name,
            MaxBatchRows = o.Int("--max-batch"),
            BatchWindow = TimeSpan.FromMilliseconds(o.Double("--batch-window-ms")),
            MaxQueuedRequests = o.Int("--max-queue"),
            MaxBodyBytes = o.Long("--max-body-bytes"),
            DefaultMaxTokens = o.Int("--default-max-tokens"),
            RequestTimeout = ServerLifetime.Seconds(o, "--request-timeout"),
            Thinking = new ThinkingDefaults
            {
                Enforcement = o.RequiredString("--budget-enforcement") switch
                {
                    "prompt" => BudgetEnforcement.Prompt,
                    "force" => BudgetEnforcement.Force,
                    var x => throw new BardException($"--budget-enforcement must be prompt or force, got '{x}'."),
                },
                EffortBudgets = o.String("--effort-budgets") is { } table ? ThinkingDefaults.ParseEffortBudgets(table) : new Dictionary<string, int>(),
            },
        }.Validate();
        var model = ModelOptions.Load(o);
        var tokenizer = TokenizerLoader.LoadTokenizer(dir);
        var config = TokenizerConfig.Load(dir);
        var batcher = new ChatBatcher(model, tokenizer, ChatTemplate.FromConfig(config, Path.Combine(dir, "tokenizer_config.json")), config, options);
        batcher.Log = line => { lock (stderr) stderr.WriteLine(line); };
        var server = ChatServer.StartAsync(batcher, options, cancel: cancel).GetAwaiter().GetResult();
        stdout.WriteLine($"bard serve: '{options.ModelName}' at {server.BaseUrl} ({(options.ApiKey is null ? "no API key" : "API key required")}); Ctrl-C or SIGTERM stops.");
        stdout.Flush();
        ServerLifetime.WaitForShutdown(cancel);
        server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        var (batches, rows, maxRows, tokens) = batcher.Statistics;
        stdout.WriteLine($"bard serve: stopped after {batches} batches ({rows} rows, at most {maxRows} in one; {tokens} tokens generated).");
        model.Dispose();
        return 0;
    }
}
