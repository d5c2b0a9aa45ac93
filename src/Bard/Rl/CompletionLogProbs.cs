using Bard.Model;
using static TorchSharp.torch;

namespace Bard.Rl;

/// <summary>
/// Log-probabilities of completion tokens given their prompts, for a batch of (prompt, completion)
/// pairs of different lengths: the quantity the policy loss, the old policy and the reference share.
/// Sequences are right-padded into one forward pass; only completion positions are read out.
/// </summary>
public static class CompletionLogProbs
{
    /// <summary>
    /// Returns log p(completion[j] | prompt, completion[..j]) as [B, Tc] (Tc = longest completion) in
    /// float32 and a [B, Tc] float mask (1 = a real completion token). Logits are divided by
    /// <paramref name="temperature"/> first, so the numbers describe the distribution that was sampled.
    /// Differentiable with respect to the model's parameters unless called under no_grad.
    /// </summary>
    public static (Tensor LogProbs, Tensor Mask) Compute(CausalLM model, IReadOnlyList<int[]> prompts,
        IReadOnlyList<int[]> completions, double temperature = 1.0)
    {
        using var scope = NewDisposeScope();
        var (ids, mask, read) = Inputs(model, prompts, completions, temperature);
        var (logp, m) = read(model.Forward(ids, mask));
        return (logp.MoveToOuterDisposeScope(), m.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Gradient checkpointing for the policy update: accumulates into the parameters' <c>.grad</c> the gradient of
    /// <paramref name="loss"/>(log-probs, mask) — the same log-probs and mask as <see cref="Compute"/> — recomputing
    /// each decoder layer's activations in the backward pass (<see cref="CausalLM.BackwardWithRecompute"/>).
    /// Returns the loss, detached.
    /// </summary>
    public static Tensor BackwardWithRecompute(CausalLM model, IReadOnlyList<int[]> prompts, IReadOnlyList<int[]> completions,
        double temperature, Func<Tensor, Tensor, Tensor> loss)
    {
        using var scope = NewDisposeScope();
        var (ids, mask, read) = Inputs(model, prompts, completions, temperature);
        return model.BackwardWithRecompute(ids, logits =>
        {
            var (logp, m) = read(logits);
            return loss(logp, m);
        }, mask).MoveToOuterDisposeScope();
    }

    /// <summary>The padded ids and mask [B, L] on the model's device, and the read-out from logits [B, L, V] to (log-probs, mask) [B, Tc].</summary>
    static (Tensor Ids, Tensor Mask, Func<Tensor, (Tensor, Tensor)> Read) Inputs(CausalLM model, IReadOnlyList<int[]> prompts,
        IReadOnlyList<int[]> completions, double temperature)
    {
        if (prompts.Count != completions.Count) throw new ArgumentException("one completion per prompt.");
        if (temperature <= 0) throw new ArgumentException("temperature must be positive; greedy completions are scored at temperature 1.");
        int b = prompts.Count;
        int len = Enumerable.Range(0, b).Max(i => prompts[i].Length + completions[i].Length);
        int tc = Math.Max(1, completions.Max(c => c.Length));
        var ids = new long[b * len];
        var mask = new long[b * len];
        var pos = new long[b * tc];
        var tok = new long[b * tc];
        var keep = new float[b * tc];
        for (int i = 0; i < b; i++)
        {
            if (prompts[i].Length == 0) throw new ArgumentException($"prompt {i} is empty.");
            int p = prompts[i].Length;
            for (int t = 0; t < p; t++) { ids[i * len + t] = prompts[i][t]; mask[i * len + t] = 1; }
            for (int j = 0; j < completions[i].Length; j++)
            {
                ids[i * len + p + j] = completions[i][j];
                mask[i * len + p + j] = 1;
                pos[i * tc + j] = p - 1 + j; // the logits at p−1+j predict completion token j
                tok[i * tc + j] = completions[i][j];
                keep[i * tc + j] = 1;
            }
        }
        var device = model.Device;
        (Tensor, Tensor) Read(Tensor logits) // [B, L, V]
        {
            long v = logits.shape[2];
            var index = tensor(pos, [b, tc], device: device).unsqueeze(-1).expand(b, tc, v);
            var selected = logits.gather(1, index).ToFloat32OrWider();                   // [B, Tc, V]
            if (temperature != 1.0) selected = selected / temperature;
            var logp = selected.log_softmax(-1).gather(-1, tensor(tok, [b, tc], device: device).unsqueeze(-1)).squeeze(-1);
            var m = tensor(keep, [b, tc], device: device);
            return (logp * m, m);
        }
        return (tensor(ids, [b, len], device: device), tensor(mask, [b, len], device: device), Read);
    }
}
