using Bard.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Inference;

/// <summary>
/// Continues a batch of prompts with a <see cref="CausalLM"/>: left-pads them into one batch, fills a
/// preallocated KV cache with the prompts (prefill), then adds one token per step to every sequence
/// until each has stopped or reached its maximum. Once half of the sequences still in the batch have finished they
/// are dropped from it (cache, mask and input), so a batch of mixed lengths costs about its tokens, not its size
/// times its longest sequence. Sampling still draws for the whole batch, so which tokens a sequence gets does not
/// depend on when the others finish. Token ids in, token ids out.
/// </summary>
public sealed class TokenGenerator(CausalLM model)
{
    /// <summary>
    /// Generates for every prompt in <paramref name="prompts"/> (each a non-empty list of ids).
    /// <paramref name="onStep"/>, if given, sees each step's new token per sequence (−1 for sequences already finished);
    /// <paramref name="control"/>, if given, may replace sampled tokens and end sequences (budget forcing).
    /// </summary>
    public IReadOnlyList<Completion> Generate(IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options,
        CancellationToken cancel = default, Action<int[]>? onStep = null, IGenerationControl? control = null)
    {
        options.Validate();
        if (prompts.Count == 0) return [];
        for (int i = 0; i < prompts.Count; i++)
        {
            if (prompts[i].Count == 0) throw new BardException($"prompt {i} is empty; a prompt needs at least one token.");
            foreach (var id in prompts[i])
                if (id < 0 || id >= model.Config.VocabSize)
                    throw new BardException($"prompt {i} has token id {id}, outside the model's vocabulary [0, {model.Config.VocabSize}).");
        }
        int batch = prompts.Count, promptLen = prompts.Max(p => p.Count), maxNew = options.MaxNewTokens;
        var outputs = Enumerable.Range(0, batch).Select(_ => new List<int>()).ToArray();
        var finish = Enumerable.Repeat(FinishReason.Length, batch).ToArray();
        if (maxNew == 0) return outputs.Select((o, i) => new Completion([.. o], finish[i])).ToList();

        var device = model.Device;
        bool padded = prompts.Any(p => p.Count != promptLen);
        var stop = new HashSet<int>(options.StopTokenIds);
        var done = new bool[batch];

        using var noGrad = no_grad();
        using var sampler = new Sampler(options);
        using var cache = model.CreateCache(batch, promptLen + maxNew);

        // Left padding: [pad.. pad, prompt]; the mask covers prompt and every future token.
        var idsHost = new long[batch * promptLen];
        var maskHost = new long[batch * (promptLen + maxNew)];
        for (int b = 0; b < batch; b++)
        {
            int offset = promptLen - prompts[b].Count;
            for (int t = 0; t < promptLen; t++)
            {
                idsHost[b * promptLen + t] = t < offset ? options.PadTokenId : prompts[b][t - offset];
                maskHost[b * (promptLen + maxNew) + t] = t < offset ? 0 : 1;
            }
            for (int t = promptLen; t < promptLen + maxNew; t++) maskHost[b * (promptLen + maxNew) + t] = 1;
        }

        Tensor? next = null;
        var mask = padded ? tensor(maskHost, [batch, promptLen + maxNew], device: device) : null;
        int[] rows = Enumerable.Range(0, batch).ToArray(); // cache row → sequence
        Tensor? rowIndex = null;                           // the same on the device, once rows were dropped
        try
        {
            for (int step = 0; step < maxNew; step++)
            {
                cancel.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var input = step == 0 ? tensor(idsHost, [batch, promptLen], device: device) : next!.view(rows.Length, 1);
                long seen = cache.Length + input.shape[1];
                var hidden = model.Hidden(input, mask?.narrow(1, 0, seen), cache: cache);
                var logits = model.Logits(hidden.narrow(1, hidden.shape[1] - 1, 1).squeeze(1)); // [rows, V]
                if (rowIndex is not null)
                    logits = zeros([batch, logits.shape[1]], logits.dtype, device).index_copy_(0, rowIndex, logits); // finished rows: ignored
                var chosen = sampler.Next(logits); // [B]: one draw per sequence, whichever rows still run
                // The one host-device transfer of a decode step: B int64 ids, read back for stop tokens, budget
                // forcing and onStep. Everything else (cache, mask, rope, the next input) stays on the device;
                // unless a token was forced, the next step's input is `chosen` itself, never re-uploaded.
                var ids = chosen.to(ScalarType.Int64).cpu().data<long>().ToArray();

                var reported = new int[batch];
                bool forced = false;
                for (int b = 0; b < batch; b++)
                {
                    if (done[b]) { reported[b] = -1; continue; }
                    int id = (int)ids[b];
                    bool end = false;
                    if (control is not null)
                    {
                        (int kept, end) = control.Next(b, outputs[b], id);
                        if (kept != id) { ids[b] = id = kept; forced = true; }
                    }
                    outputs[b].Add(id);
                    reported[b] = id;
                    if (stop.Contains(id)) { done[b] = true; finish[b] = FinishReason.Stop; }
                    else if (end) { done[b] = true; finish[b] = FinishReason.Length; }
                }
                next?.Dispose();
                // The next step reads the tokens actually kept (forced ones included).
                var sent = forced ? tensor(ids, [batch], device: device) : chosen;
                next = (rowIndex is null ? sent : sent.index_select(0, rowIndex)).DetachFromDisposeScope();
                onStep?.Invoke(reported);
                int running = rows.Count(r => !done[r]);
                if (running == 0) break;
                if (running <= rows.Length / 2)
                {
                    // Drop the finished sequences: the cache, the mask and the next input keep the running rows only.
                    var keep = Enumerable.Range(0, rows.Length).Where(i => !done[rows[i]]).ToArray();
                    using var keepIndex = tensor(keep.Select(i => (long)i).ToArray(), device: device);
                    cache.KeepRows(keepIndex);
                    if (mask is not null) { var m = mask.index_select(0, keepIndex).DetachFromDisposeScope(); mask.Dispose(); mask = m; }
                    var n = next.index_select(0, keepIndex).DetachFromDisposeScope();
                    next.Dispose();
                    next = n;
                    rows = keep.Select(i => rows[i]).ToArray();
                    rowIndex?.Dispose();
                    rowIndex = tensor(rows.Select(r => (long)r).ToArray(), device: device).DetachFromDisposeScope();
                }
            }
        }
        finally
        {
            next?.Dispose();
            mask?.Dispose();
            rowIndex?.Dispose();
        }
        return outputs.Select((o, i) => new Completion([.. o], finish[i])).ToList();
    }
}
