using TorchSharp;

namespace Bard.Model;

/// <summary>
/// Copies checkpoint tensors into a model's parameters and buffers, strictly: every target name must be in the
/// checkpoint with the same shape, and every checkpoint name must be a target (unless ignored). All mismatches
/// are collected and reported in one <see cref="BardException"/> before anything is copied, so a failed load
/// leaves the model untouched. A tensor holding NaN or ±Inf is refused as it is read (the model is then partly
/// loaded; <see cref="Checkpoint.Load"/> discards it). The opposite of transformers' lenient <c>strict=False</c> loading.
/// </summary>
/// <remarks>
/// Tied weights: a model that shares one tensor under two names (e.g. <c>lm_head.weight</c> and
/// <c>model.embed_tokens.weight</c>) must pass only the name the checkpoint stores; Hugging Face checkpoints store
/// the tied tensor once, under the embedding's name.
/// </remarks>
public static class StrictLoader
{
    /// <summary>
    /// Loads <paramref name="source"/> into <paramref name="target"/> in place, converting each value to its
    /// target's dtype (and device). <paramref name="target"/> is typically a module's <c>state_dict()</c>.
    /// </summary>
    /// <param name="target">Name → existing parameter or buffer tensor, of any dtype and device.</param>
    /// <param name="source">The checkpoint to read.</param>
    /// <param name="ignoreUnexpected">Checkpoint names that may be absent from <paramref name="target"/> (e.g. a rotary
    /// <c>inv_freq</c> buffer); default none.</param>
    /// <exception cref="BardException">Missing, unexpected or mis-shaped names, all listed in one message.</exception>
    public static void Load(IReadOnlyDictionary<string, torch.Tensor> target, CheckpointTensors source, IReadOnlySet<string>? ignoreUnexpected = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        Check(target, source, ignoreUnexpected);

        // One tensor at a time, each in its own scope: peak memory is one checkpoint tensor, not the whole model.
        foreach (var name in target.Keys.Order(StringComparer.Ordinal))
        {
            var destination = target[name];
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var value = source.Load(name, destination.dtype);
            RefuseNonFinite(name, value, source);
            destination.copy_(value);
        }
    }

    /// <summary>
    /// NaN or ±Inf in a weight would only show up later as NaN logits (or a sampler error) far from their cause:
    /// refused here, naming the tensor and its file. One reduction per tensor, cheap next to reading it.
    /// </summary>
    private static void RefuseNonFinite(string name, torch.Tensor value, CheckpointTensors source)
    {
        if (!value.is_floating_point() || torch.isfinite(value).all().item<bool>()) return;
        long nan = torch.isnan(value).sum().item<long>();
        long inf = torch.isinf(value).sum().item<long>();
        throw new BardException($"Checkpoint '{source.Directory}': tensor '{name}' in {source.PathOf(name)} has non-finite values "
            + $"({nan} NaN, {inf} ±Inf of {value.NumberOfElements}). Fix: the weights are corrupt or were saved after training diverged; "
            + "use an earlier checkpoint (or download the model again).");
    }

    private static void Check(IReadOnlyDictionary<string, torch.Tensor> target, CheckpointTensors source, IReadOnlySet<string>? ignoreUnexpected)
    {
        var missing = target.Keys.Where(n => !source.Contains(n)).Order(StringComparer.Ordinal).ToArray();
        var unexpected = source.Names.Where(n => !target.ContainsKey(n) && ignoreUnexpected?.Contains(n) != true)
            .Order(StringComparer.Ordinal).ToArray();
        var misShaped = target.Where(kv => source.Contains(kv.Key))
            .Select(kv => (Name: kv.Key, Model: kv.Value.shape, Checkpoint: source.Info(kv.Key).Shape))
            .Where(x => !x.Model.AsSpan().SequenceEqual(x.Checkpoint))
            .OrderBy(x => x.Name, StringComparer.Ordinal)
            .Select(x => $"{x.Name}: model {SafeTensorInfo.FormatShape(x.Model)} vs checkpoint {SafeTensorInfo.FormatShape(x.Checkpoint)}")
            .ToArray();
        if (missing.Length == 0 && unexpected.Length == 0 && misShaped.Length == 0)
        {
            return;
        }
        var problems = new List<string>();
        if (missing.Length > 0)
        {
            problems.Add($"{missing.Length} missing (in the model, not in the checkpoint): {NameList.Format(missing)}");
        }
        if (unexpected.Length > 0)
        {
            problems.Add($"{unexpected.Length} unexpected (in the checkpoint, not in the model): {NameList.Format(unexpected)}");
        }
        if (misShaped.Length > 0)
        {
            problems.Add($"{misShaped.Length} with a different shape: {NameList.Format(misShaped)}");
        }
        throw new BardException($"Checkpoint '{source.Directory}' does not match the model: {string.Join("; ", problems)}. " +
            "Fix: check that config.json describes this checkpoint (architecture, sizes, tie_word_embeddings) and that the folder holds the right weights.");
    }
}
