using System.Text.Json;
using Bard.Inference;

namespace Bard.Cli;

/// <summary>`bard generate`: continue a token sequence with a model.</summary>
public sealed class GenerateCommand : CliCommand
{
    public override string Name => "generate";
    public override string Summary => "Continue a token-id prompt; prints the new tokens only.";
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        ModelOptions.Model,
        ModelOptions.Adapter,
        new("--ids", "Comma-separated prompt token ids.") { Required = true, ValueName = "IDS" },
        new("--max-new-tokens", "Maximum number of new tokens.") { Default = "256", ValueName = "N" },
        new("--temperature", "Sampling temperature; 0 is greedy.") { Default = "0", ValueName = "T" },
        new("--top-k", "Sample among the k most likely tokens; 0 is off.") { Default = "0", ValueName = "K" },
        new("--top-p", "Nucleus sampling mass; 1 is off.") { Default = "1", ValueName = "P" },
        new("--seed", "Random seed for sampling.") { Default = "0", ValueName = "S" },
        new("--stop-ids", "Comma-separated ids that end generation; default: the model's eos_token_id, 'none' for no stop.") { ValueName = "IDS" },
        ModelOptions.DType,
        ModelOptions.Device,
        new("--json", "Print {\"ids\":[...]} instead of plain comma-separated ids.") { IsFlag = true },
    ];

    public override int Run(ParsedOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var ids = options.IntList("--ids"); // usage errors before the (slow) model load
        int maxNew = options.Int("--max-new-tokens");
        if (maxNew < 0) throw new UsageException($"--max-new-tokens must be ≥ 0, got {maxNew}.");
        using var model = ModelOptions.Load(options);
        ModelOptions.CheckIds(ids, model);
        // The KV cache holds prompt + new tokens: past the model's context it is memory the model was never trained to use.
        int context = model.Config.MaxPositionEmbeddings;
        if ((long)ids.Length + maxNew > context)
            throw new UsageException($"--max-new-tokens {maxNew} with a prompt of {ids.Length} tokens exceeds the model's context of {context} tokens "
                + $"(max_position_embeddings); ask for at most {Math.Max(0, context - ids.Length)}.");
        IReadOnlyList<int> stop = options.String("--stop-ids") switch
        {
            null => model.Config.EosTokenIds,
            "none" => [],
            _ => options.IntList("--stop-ids"),
        };
        var generation = new GenerationOptions
        {
            MaxNewTokens = maxNew,
            Temperature = options.Double("--temperature"),
            TopK = options.Int("--top-k"),
            TopP = options.Double("--top-p"),
            Seed = options.Long("--seed"),
            StopTokenIds = stop,
            PadTokenId = model.Config.PadTokenId ?? 0,
        };
        var result = new TokenGenerator(model).Generate([ids], generation, cancel)[0];
        stdout.WriteLine(options.Flag("--json")
            ? JsonSerializer.Serialize(new { ids = result.Tokens })
            : string.Join(",", result.Tokens));
        return 0;
    }
}
