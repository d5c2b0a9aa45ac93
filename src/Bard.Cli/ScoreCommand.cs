using System.Text.Json;
using static TorchSharp.torch;

namespace Bard.Cli;

/// <summary>`bard score`: per-token log-probabilities of a sequence under a model, as JSON.</summary>
public sealed class ScoreCommand : CliCommand
{
    public override string Name => "score";
    public override string Summary => "Print log p(ids[t+1] | ids[..t]) for every position of a token sequence.";
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        ModelOptions.Model,
        ModelOptions.Adapter,
        new("--ids", "Comma-separated token ids, at least two.") { Required = true, ValueName = "IDS" },
        ModelOptions.DType,
        ModelOptions.Device,
    ];

    public override int Run(ParsedOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var ids = options.IntList("--ids"); // usage errors before the (slow) model load
        using var model = ModelOptions.Load(options);
        ModelOptions.CheckIds(ids, model);
        if (ids.Length < 2) throw new UsageException("--ids needs at least two tokens to score (the first has no prediction).");
        float[] logprobs;
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var input = tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Length], device: model.Device);
            logprobs = model.TokenLogProbs(input).to(ScalarType.Float32).cpu().data<float>().ToArray();
        }
        // JSON has no NaN or ∞: finite weights can still overflow into non-finite logits (float16, or huge weights).
        var bad = Enumerable.Range(0, logprobs.Length).Where(t => !float.IsFinite(logprobs[t])).ToArray();
        if (bad.Length > 0)
            throw new BardException($"the log-probabilities of {bad.Length} of {logprobs.Length} positions are not finite (NaN or ±Inf; the first "
                + $"at --ids index {string.Join(", ", bad.Take(5).Select(t => t + 1))}): the model's logits are not finite, so its weights or activations "
                + "overflow. Fix: run in float32 (--dtype float32), or check the checkpoint (an earlier one, if training diverged).");
        stdout.WriteLine(JsonSerializer.Serialize(new { token_logprobs = logprobs }));
        return 0;
    }
}
