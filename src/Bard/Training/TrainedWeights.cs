using Bard.Lora;
using Bard.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Training;

/// <summary>
/// What SFT and RL train and save: the whole model (float32 master weights, a full Hugging Face checkpoint per save) or,
/// with a <see cref="LoraConfig"/>, LoRA adapters on a frozen base (the adapters in PEFT's format per save, the base
/// never written). One place, so that both trainers resume, save and refuse the same way.
/// </summary>
internal sealed class TrainedWeights
{
    TrainedWeights(CausalLM model, IReadOnlyList<(string Name, Tensor Parameter)> parameters, LoraAdapters? adapters)
    {
        (Model, Parameters, Adapters) = (model, parameters, adapters);
    }

    public CausalLM Model { get; }
    /// <summary>The float32 tensors the optimizer updates, by name.</summary>
    public IReadOnlyList<(string Name, Tensor Parameter)> Parameters { get; }
    /// <summary>The adapters being trained; null for full fine-tuning.</summary>
    public LoraAdapters? Adapters { get; }

    /// <summary>
    /// Full fine-tuning (<paramref name="lora"/> null): every parameter of <paramref name="model"/>, which must be float32
    /// (or float64). LoRA: the base is frozen and turned into the compute dtype <paramref name="precision"/> resolves to
    /// (bf16 or float32; a float64 model stays float64), and fresh adapters seeded with <paramref name="seed"/> are attached
    /// and returned as the trained parameters; they stay attached to the model after training.
    /// </summary>
    public static TrainedWeights For(CausalLM model, LoraConfig? lora, Precision precision, long seed, string stage)
    {
        if (lora is null)
        {
            if (model.Adapters is not null)
                throw new BardException($"{stage}: the model has LoRA adapters attached but the config has no lora section. Train them with a lora section, or merge them first (bard lora merge).");
            if (!Precisions.IsMasterDType(model.DType))
                throw new BardException($"{stage} keeps float32 master weights; the model is {model.DType}. Load it in float32 (precision bf16 trains in bf16), or train LoRA adapters on the frozen {model.DType} base.");
            if (model.DType == ScalarType.Float64 && precision == Precision.Bf16)
                throw new BardException($"{stage} in bf16 keeps float32 master weights; the model is Float64. Load it in float32.");
            return new TrainedWeights(model, model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).ToList(), null);
        }
        if (model.DType != ScalarType.Float64)
        {
            var compute = PrecisionChoice.Resolve(precision, model.Device.type, model.DType) == Precision.Bf16 ? ScalarType.BFloat16 : ScalarType.Float32;
            if (model.DType != compute) model.to(compute);
        }
        else if (precision == Precision.Bf16)
            throw new BardException($"{stage}: the model is Float64 (numerical checks); train LoRA on it in fp32, or load it in bf16.");
        var adapters = LoraAdapters.Attach(model, lora, seed);
        return new TrainedWeights(model, adapters.NamedParameters(), adapters);
    }

    /// <summary>
    /// Seeds torch's global generators (the CPU's and, where present, every CUDA device's) from which LoRA dropout draws its
    /// masks, so that a resumed run draws the same masks as an uninterrupted one. Nothing without LoRA dropout.
    /// </summary>
    public void SeedDropout(long seed)
    {
        if (Adapters is not { Config.Dropout: > 0 }) return;
        manual_seed(seed);
        if (cuda.is_available()) cuda.manual_seed_all(seed);
    }

    /// <summary>
    /// Gradient checkpointing recomputes each layer in the backward pass, which would draw new dropout masks there
    /// (the gradient would not be the loss's): refused with LoRA dropout, with the fix.
    /// </summary>
    public void RefuseCheckpointingWithDropout(bool gradientCheckpointing, string stage)
    {
        if (gradientCheckpointing && Adapters is { Config.Dropout: > 0 } a)
            throw new BardException($"{stage}: LoRA dropout ({a.Config.Dropout}) with gradient checkpointing is not supported: the recomputed layers would draw other dropout masks than the forward pass. Set lora dropout to 0 or turn gradient_checkpointing off.");
    }

    /// <summary>The precision the compute copy uses: none with LoRA (the frozen base already is in the compute dtype).</summary>
    public Precision ComputePrecision(Precision configured) => Adapters is null ? configured : Precision.Fp32;

    /// <summary>Writes the trained weights into a checkpoint folder: the full model, or the adapters (PEFT's format) and the tokenizer files.</summary>
    public void Save(string dir, string? tokenizerDir, string? baseModel)
    {
        if (Adapters is null) { Checkpoint.Save(Model, dir, tokenizerDir: tokenizerDir); return; }
        Adapters.Save(dir, baseModel);
        if (tokenizerDir is not null) Checkpoint.CopyCompanionFiles(tokenizerDir, dir);
    }

    /// <summary>Restores the trained weights from a checkpoint folder written by <see cref="Save"/>.</summary>
    public void Load(string dir)
    {
        if (Adapters is not null)
        {
            if (!PeftFormat.IsAdapterFolder(dir))
                throw new BardException($"{dir}: a full-model checkpoint, but this run trains LoRA adapters. Resume with the config that wrote it (no lora section), or use a new output folder.");
            var saved = PeftFormat.ReadConfig(dir);
            var c = Adapters.Config;
            foreach (var (field, was, now) in new[]
            {
                ("r", saved.R.ToString(), c.R.ToString()), ("lora_alpha", saved.EffectiveAlpha.ToString("R"), c.EffectiveAlpha.ToString("R")),
                ("use_rslora", saved.UseRslora.ToString(), c.UseRslora.ToString()), ("lora_dropout", saved.Dropout.ToString("R"), c.Dropout.ToString("R")),
            })
                if (was != now)
                    throw new BardException($"{dir}: the checkpoint's adapters have {field} {was}, this run's config {now}. Resume with the config that wrote it, or use a new output folder.");
            Adapters.LoadWeights(dir);
            return;
        }
        if (PeftFormat.IsAdapterFolder(dir))
            throw new BardException($"{dir}: a LoRA adapter checkpoint, but this run trains the whole model. Resume with the config that wrote it (its lora section), or use a new output folder.");
        using var tensors = CheckpointTensors.Open(dir);
        StrictLoader.Load(Model.state_dict(), tensors);
    }
}
