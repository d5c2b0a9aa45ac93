using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Bard.Lora;

/// <summary>
/// LoRA adapters (Hu et al., 2021) as PEFT builds them: on each target linear layer W, y = W x + s · B A dropout(x) with
/// A [r, in] (Kaiming-uniform, as <c>nn.Linear</c>), B [out, r] (zeros, so a fresh adapter changes nothing) and
/// s = α / r, or α / √r with rsLoRA. Only A and B train; the base stays frozen. Immutable; <see cref="Validate"/> names
/// the bad field. In a config file it is the <c>lora</c> section of the SFT or RL options.
/// </summary>
public sealed record LoraConfig
{
    /// <summary>The rank r. Default 16.</summary>
    public int R { get; init; } = 16;
    /// <summary>α, PEFT's <c>lora_alpha</c>; null: 2·r (LLaMA-Factory's default; PEFT's own is 8). Default null.</summary>
    public double? Alpha { get; init; }
    /// <summary>Dropout on the adapter's input while training (PEFT's <c>lora_dropout</c>). Default 0, as PEFT.</summary>
    public double Dropout { get; init; }
    /// <summary>
    /// Which linear layers get an adapter, by module name as PEFT matches them: a module whose path ends in
    /// <c>.NAME</c> (<c>q_proj</c>, <c>k_proj</c>, <c>v_proj</c>, <c>o_proj</c>, <c>gate_proj</c>, <c>up_proj</c>,
    /// <c>down_proj</c>), or <c>all-linear</c>: every linear layer of the decoder (not <c>lm_head</c>, as PEFT). Default all-linear.
    /// </summary>
    public IReadOnlyList<string> Targets { get; init; } = [AllLinear];
    /// <summary>Instead of <see cref="Targets"/>: a regular expression a module's whole path must match (PEFT's string form of <c>target_modules</c>).</summary>
    public string? TargetPattern { get; init; }
    /// <summary>Only these decoder layers (PEFT's <c>layers_to_transform</c>); null: all. Default null.</summary>
    public IReadOnlyList<int>? Layers { get; init; }
    /// <summary>rsLoRA (Kalajdzievski, 2023): scale by α / √r instead of α / r, so that higher ranks keep learning. Default false.</summary>
    public bool UseRslora { get; init; }

    /// <summary>The target that means every linear layer of the decoder.</summary>
    public const string AllLinear = "all-linear";

    /// <summary>The names of a decoder's linear layers (what <see cref="AllLinear"/> stands for).</summary>
    public static readonly IReadOnlyList<string> LinearNames = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    /// <summary>α as used: <see cref="Alpha"/>, or 2·r when it is not set.</summary>
    [JsonIgnore] public double EffectiveAlpha => Alpha ?? 2.0 * R;

    /// <summary>The factor s of the adapter's output: α / r, or α / √r with rsLoRA.</summary>
    [JsonIgnore] public double Scaling => EffectiveAlpha / (UseRslora ? Math.Sqrt(R) : R);

    /// <summary>Whether the module at <paramref name="path"/> (e.g. <c>model.layers.3.self_attn.q_proj</c>) of decoder layer <paramref name="layer"/> gets an adapter.</summary>
    public bool AppliesTo(string path, int layer)
    {
        if (Layers is not null && !Layers.Contains(layer)) return false;
        if (TargetPattern is not null) return Regex.IsMatch(path, $"^(?:{TargetPattern})$");
        foreach (var t in Targets)
            if (t == AllLinear || path == t || path.EndsWith("." + t, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>
    /// The layers this config adapts in a model of shape <paramref name="model"/>, with their input and output sizes and the
    /// input they read (<c>Input</c>: q, k and v read one, gate and up another, as <see cref="LoraSlot.SharedInput"/> shares
    /// them), without building the model (for <see cref="Training.MemoryEstimate"/>): the same paths and order as
    /// <see cref="Model.CausalLM.DecoderLinears"/>.
    /// </summary>
    public IReadOnlyList<(string Path, long In, long Out, string Input)> AdaptedLayers(Model.ModelConfig model)
    {
        long d = model.HiddenSize, q = (long)model.NumHeads * model.HeadDim, kv = (long)model.NumKvHeads * model.HeadDim, i = model.IntermediateSize;
        (string Name, long In, long Out, string Input)[] shapes =
        [
            ("self_attn.q_proj", d, q, "self_attn"), ("self_attn.k_proj", d, kv, "self_attn"), ("self_attn.v_proj", d, kv, "self_attn"),
            ("self_attn.o_proj", q, d, "self_attn.o_proj"),
            ("mlp.gate_proj", d, i, "mlp"), ("mlp.up_proj", d, i, "mlp"), ("mlp.down_proj", i, d, "mlp.down_proj"),
        ];
        return Enumerable.Range(0, model.NumLayers)
            .SelectMany(layer => shapes.Select(s => (Path: $"model.layers.{layer}.{s.Name}", s.In, s.Out, Input: $"model.layers.{layer}.{s.Input}", Layer: layer)))
            .Where(x => AppliesTo(x.Path, x.Layer))
            .Select(x => (x.Path, x.In, x.Out, x.Input))
            .ToList();
    }

    /// <summary>Trainable values of the adapters in a model of shape <paramref name="model"/>: r · (in + out) per adapted layer.</summary>
    public long ParameterCount(Model.ModelConfig model) => AdaptedLayers(model).Sum(l => R * (l.In + l.Out));

    public LoraConfig Validate()
    {
        void Require(bool ok, string field, string rule) { if (!ok) throw new BardException($"LoRA config: {field} {rule}."); }
        Require(R > 0, "r", "must be a positive integer (the adapter rank, e.g. 16)");
        Require(Alpha is null || (Alpha > 0 && double.IsFinite(Alpha.Value)), "alpha", "must be a positive number (or left out for 2·r)");
        Require(Dropout is >= 0 and < 1, "dropout", "must be in [0, 1)");
        Require(TargetPattern is not null || Targets.Count > 0, "targets", $"must name at least one module ({string.Join(", ", LinearNames)}) or be [\"{AllLinear}\"]");
        if (TargetPattern is not null)
        {
            try { _ = new Regex(TargetPattern); }
            catch (ArgumentException e) { throw new BardException($"LoRA config: target_pattern '{TargetPattern}' is not a regular expression ({e.Message}).", e); }
        }
        foreach (var t in Targets)
            Require(t == AllLinear || LinearNames.Contains(t) || t.Contains('.'), "targets",
                $"has '{t}', which is no linear layer of the decoder; use {string.Join(", ", LinearNames)} or {AllLinear} (embeddings and lm_head take no adapter)");
        Require(Layers is null || Layers.All(l => l >= 0), "layers", "must be decoder layer indices ≥ 0");
        Require(TargetPattern is null || Layers is null, "layers", "cannot go with target_pattern (PEFT refuses layers_to_transform with a regular expression); put the layer into the pattern");
        return this;
    }
}
