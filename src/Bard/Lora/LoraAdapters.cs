using Bard.Model;
using static TorchSharp.torch;

namespace Bard.Lora;

/// <summary>
/// The LoRA adapters of one model: made fresh (<see cref="Attach"/>) or read from a PEFT adapter folder
/// (<see cref="Load"/>), saved in PEFT's format (<see cref="Save"/>), switched off for a forward pass
/// (<see cref="Disabled"/>: the base model, RL's KL reference), or merged into the base weights (<see cref="MergeAndDetach"/>).
/// While attached the base model is frozen (no parameter of it requires a gradient); <see cref="Dispose"/> detaches them
/// and unfreezes it.
/// </summary>
public sealed class LoraAdapters : IDisposable
{
    readonly CausalLM model;
    readonly List<LoraAdapter> adapters;
    readonly List<(Tensor Parameter, bool RequiredGrad)> frozen;
    bool detached;

    LoraAdapters(CausalLM model, LoraConfig config, List<LoraAdapter> adapters)
    {
        (this.model, Config, this.adapters) = (model, config, adapters);
        frozen = model.parameters().Select(p => ((Tensor)p, p.requires_grad)).ToList();
        foreach (var (p, _) in frozen) p.requires_grad = false;
        model.Adapters = this;
    }

    public LoraConfig Config { get; }

    /// <summary>The adapters in the model's layer order.</summary>
    public IReadOnlyList<LoraAdapter> All => adapters;

    /// <summary>The leaf names of the adapted layers (q_proj, …), sorted: PEFT's <c>target_modules</c> after it expands all-linear.</summary>
    public IReadOnlyList<string> TargetNames => adapters.Select(a => a.Path[(a.Path.LastIndexOf('.') + 1)..]).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>The trainable tensors under PEFT's saved key names (<see cref="PeftFormat.KeyA"/>, <see cref="PeftFormat.KeyB"/>), A before B per layer.</summary>
    public IReadOnlyList<(string Name, Tensor Parameter)> NamedParameters() =>
        adapters.SelectMany(a => new[] { (PeftFormat.KeyA(a.Path), a.A), (PeftFormat.KeyB(a.Path), a.B) }).ToList();

    /// <summary>
    /// New adapters on every linear layer of <paramref name="model"/> that <paramref name="config"/> targets, as PEFT
    /// initialises them: A ~ U(−1/√in, 1/√in) (PEFT's <c>kaiming_uniform_(a=√5)</c>) from a generator seeded with
    /// <paramref name="seed"/>, B = 0, so the model's outputs are unchanged. A and B are float32 (float64 on a float64 model)
    /// on the model's device; the base model is frozen.
    /// </summary>
    public static LoraAdapters Attach(CausalLM model, LoraConfig config, long seed)
    {
        config.Validate();
        if (model.Adapters is not null) throw new BardException("the model already has LoRA adapters attached; dispose them (model.Adapters) or merge them (MergeAndDetach, bard lora merge) before attaching new ones.");
        var chosen = Chosen(model, config);
        var dtype = model.DType == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var device = model.Device;
        using var generator = new Generator((ulong)seed);
        var list = new List<LoraAdapter>();
        using (no_grad())
            foreach (var layer in chosen)
            {
                var weight = layer.Linear.weight!; // Linear's getter returns its own parameter: not to be disposed
                long outFeatures = weight.shape[0], inFeatures = weight.shape[1];
                double bound = 1.0 / Math.Sqrt(inFeatures);
                using var scope = NewDisposeScope(); // New detaches what it keeps; the intermediates go with the scope
                var a = rand([config.R, inFeatures], dtype: ScalarType.Float32, generator: generator).mul_(2 * bound).sub_(bound);
                list.Add(New(layer.Path, a.to(dtype, device), zeros([outFeatures, config.R], dtype: dtype, device: device), config));
            }
        return Place(model, config, chosen, list);
    }

    /// <summary>
    /// The adapters of a PEFT adapter folder (adapter_config.json + adapter_model.safetensors), written by PEFT or by Bard,
    /// attached to <paramref name="model"/>. Strict: every adapted layer's A and B must be there with their shapes, and
    /// nothing else; what Bard cannot apply (DoRA, biases, modules_to_save, rank patterns, …) is refused by name.
    /// </summary>
    public static LoraAdapters Load(CausalLM model, string dir)
    {
        if (model.Adapters is not null) throw new BardException($"{dir}: the model already has LoRA adapters; load one adapter folder at a time.");
        var config = PeftFormat.ReadConfig(dir);
        var chosen = Chosen(model, config, dir);
        string weights = PeftFormat.WeightsPath(dir);
        using var file = SafeTensorsFile.Open(weights);
        var dtype = model.DType == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var device = model.Device;
        var expected = new HashSet<string>();
        var list = new List<LoraAdapter>();
        try
        {
            foreach (var layer in chosen)
            {
                var weight = layer.Linear.weight!; // Linear's getter returns its own parameter: not to be disposed
                long outFeatures = weight.shape[0], inFeatures = weight.shape[1];
                var a = ReadTensor(file, PeftFormat.KeyA(layer.Path), [config.R, inFeatures], dtype, device, weights);
                var b = ReadTensor(file, PeftFormat.KeyB(layer.Path), [outFeatures, config.R], dtype, device, weights);
                expected.Add(PeftFormat.KeyA(layer.Path));
                expected.Add(PeftFormat.KeyB(layer.Path));
                list.Add(new LoraAdapter(layer.Path, a, b, config.Scaling, config.Dropout)); // ReadTensor gives trainable leaves
            }
            var extra = file.Tensors.Keys.Where(k => !expected.Contains(k)).Order(StringComparer.Ordinal).ToList();
            if (extra.Count > 0)
                throw new BardException($"{weights}: {extra.Count} tensor(s) that adapter_config.json does not account for, e.g. '{extra[0]}'. "
                    + "Bard applies LoRA A/B pairs of the decoder's linear layers only (no embedding adapters, biases or modules_to_save); "
                    + "check that the adapter belongs to this model and that target_modules names every adapted layer.");
        }
        catch
        {
            foreach (var a in list) a.Dispose();
            throw;
        }
        return Place(model, config, chosen, list);
    }

    static Tensor ReadTensor(SafeTensorsFile file, string key, long[] shape, ScalarType dtype, Device device, string path)
    {
        if (!file.Tensors.TryGetValue(key, out var info))
            throw new BardException($"{path}: no tensor '{key}'. The adapter does not fit this model (another architecture, or other target_modules than its adapter_config.json says).");
        if (!info.Shape.AsSpan().SequenceEqual(shape))
            throw new BardException($"{path}: '{key}' is {info.ShapeText}, this model needs {SafeTensorInfo.FormatShape(shape)} (r = {shape[0]} or {shape[1]} from adapter_config.json, and the layer's size). The adapter belongs to another model or rank.");
        using var scope = NewDisposeScope();
        var t = file.Load(key, dtype);
        return t.to(device).detach().requires_grad_(true).MoveToOuterDisposeScope();
    }

    static LoraAdapter New(string path, Tensor a, Tensor b, LoraConfig config)
    {
        a = a.detach().requires_grad_(true).DetachFromDisposeScope();
        b = b.detach().requires_grad_(true).DetachFromDisposeScope();
        return new LoraAdapter(path, a, b, config.Scaling, config.Dropout);
    }

    static List<DecoderLinear> Chosen(CausalLM model, LoraConfig config, string? source = null)
    {
        var all = model.DecoderLinears();
        var chosen = all.Where(l => config.AppliesTo(l.Path, l.Layer)).ToList();
        string where = source is null ? "LoRA config" : Path.Combine(source, PeftFormat.ConfigFile);
        foreach (var t in config.Targets.Where(t => t != LoraConfig.AllLinear))
            if (config.TargetPattern is null && !all.Any(l => l.Path == t || l.Path.EndsWith("." + t, StringComparison.Ordinal)))
                throw new BardException($"{where}: target module '{t}' matches no layer of this model; its linear layers are {string.Join(", ", LoraConfig.LinearNames)}.");
        if (config.Layers?.FirstOrDefault(l => l >= model.Config.NumLayers, -1) is int bad and >= 0)
            throw new BardException($"{where}: layer {bad} is past the model's {model.Config.NumLayers} decoder layers (0…{model.Config.NumLayers - 1}).");
        if (chosen.Count == 0)
            throw new BardException($"{where}: the targets match no linear layer of this model (layers 0…{model.Config.NumLayers - 1}; {string.Join(", ", LoraConfig.LinearNames)}).");
        return chosen;
    }

    static LoraAdapters Place(CausalLM model, LoraConfig config, List<DecoderLinear> chosen, List<LoraAdapter> list)
    {
        for (int i = 0; i < chosen.Count; i++) chosen[i].Slot.Adapter = list[i];
        return new LoraAdapters(model, config, list);
    }

    /// <summary>Writes the adapters to <paramref name="dir"/> as PEFT saves them (see <see cref="PeftFormat"/>).</summary>
    public void Save(string dir, string? baseModel = null) => PeftFormat.Write(dir, this, baseModel);

    /// <summary>Copies A and B from a saved adapter folder into these adapters (resuming a run); the folder must hold exactly these layers.</summary>
    public void LoadWeights(string dir)
    {
        string weights = PeftFormat.WeightsPath(dir);
        using var file = SafeTensorsFile.Open(weights);
        var expected = NamedParameters().Select(p => p.Name).ToHashSet();
        if (file.Tensors.Keys.FirstOrDefault(k => !expected.Contains(k)) is { } extra)
            throw new BardException($"{weights}: holds '{extra}', a layer this run does not adapt: the checkpoint was written with other target modules or layers. Resume with the config that wrote it, or use a new output folder.");
        using var noGrad = no_grad();
        foreach (var a in adapters)
            foreach (var (key, target) in new[] { (PeftFormat.KeyA(a.Path), a.A), (PeftFormat.KeyB(a.Path), a.B) })
            {
                using var t = ReadTensor(file, key, target.shape, target.dtype, target.device, weights);
                target.copy_(t);
            }
    }

    /// <summary>Switches every adapter off until the returned scope is disposed: the forward passes in between are the base model's.</summary>
    public IDisposable Disabled()
    {
        foreach (var a in adapters) a.Enabled = false;
        return new Scope(() => { foreach (var a in adapters) a.Enabled = true; });
    }

    /// <summary>
    /// W ← W + s · B A for every adapted layer, rounded once to W's dtype, then detaches the adapters: the model is the
    /// merged model (what <c>bard lora merge</c> saves), unfrozen, with no adapters.
    /// </summary>
    public void MergeAndDetach()
    {
        using (no_grad())
            foreach (var layer in model.DecoderLinears())
            {
                if (layer.Slot.Adapter is not { } a) continue;
                var w = layer.Linear.weight!; // Linear's own parameter: outside the scope, which would dispose it
                using var scope = NewDisposeScope();
                var delta = a.DeltaWeight().to(w.device);
                w.copy_((w.to(delta.dtype) + delta).to(w.dtype));
            }
        Dispose();
    }

    /// <summary>Detaches the adapters (the model computes the base outputs again) and unfreezes the base model.</summary>
    public void Dispose()
    {
        if (detached) return;
        detached = true;
        foreach (var layer in model.DecoderLinears()) layer.Slot.Adapter = null;
        foreach (var (p, grad) in frozen) p.requires_grad = grad;
        if (ReferenceEquals(model.Adapters, this)) model.Adapters = null;
        foreach (var a in adapters) a.Dispose();
    }

    sealed class Scope(Action end) : IDisposable
    {
        bool done;
        public void Dispose() { if (!done) { done = true; end(); } }
    }
}
