namespace Bard.Training;

/// <summary>The shape of the learning-rate curve after warm-up.</summary>
public enum LrSchedule { Cosine, Linear, Constant }

/// <summary>How sequences are laid out in a micro-batch.</summary>
public enum Batching
{
    /// <summary>Several sequences per row of <see cref="SftConfig.MaxSeqLen"/> tokens, each attending only to itself (block-diagonal causal mask, positions restart per sequence).</summary>
    Packed,
    /// <summary>One sequence per row, rows of similar length together, right-padded to the longest.</summary>
    Padded,
}

/// <summary>Number format of the forward and backward pass. Master weights and optimizer state are always float32.</summary>
public enum Precision
{
    /// <summary>float32 throughout.</summary>
    Fp32,
    /// <summary>A bf16 compute copy runs forward and backward; gradients, clipping and AdamW on the float32 master.</summary>
    Bf16,
    /// <summary>
    /// Bf16 where the device computes it in hardware (CUDA; a CPU with AMX or AVX512-BF16, <see cref="Model.CpuInfo.NativeBf16"/>),
    /// else Fp32 (a CPU without them emulates bf16 at a small fraction of float32's speed); resolved by <see cref="PrecisionChoice.Resolve"/>.
    /// </summary>
    Auto,
}

/// <summary>
/// Options of supervised fine-tuning (BARD's first phase). Immutable; <see cref="Validate"/> names the
/// bad field. Defaults suit the embedded task's small students on CPU.
/// </summary>
public sealed record SftConfig
{
    /// <summary>Peak learning rate, reached after warm-up. Default 2e-3 (a 1–5M-parameter student from scratch; use ~1e-5 for pretrained billion-parameter models).</summary>
    public double LearningRate { get; init; } = 2e-3;
    /// <summary>Linear warm-up from 0 to <see cref="LearningRate"/> over this many optimizer steps. Default 50.</summary>
    public int WarmupSteps { get; init; } = 50;
    /// <summary>Decay after warm-up, down to <see cref="MinLrRatio"/> × peak at the last step. Default cosine.</summary>
    public LrSchedule Schedule { get; init; } = LrSchedule.Cosine;
    /// <summary>Final learning rate as a fraction of the peak. Default 0.1.</summary>
    public double MinLrRatio { get; init; } = 0.1;
    /// <summary>Decoupled (AdamW) weight decay on matrices and embeddings; norms and biases are not decayed. Default 0.1.</summary>
    public double WeightDecay { get; init; } = 0.1;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.95;
    public double Epsilon { get; init; } = 1e-8;
    /// <summary>Clip the global gradient norm to this; 0 turns clipping off. Default 1.</summary>
    public double GradClip { get; init; } = 1.0;
    /// <summary>Rows per micro-batch. Default 16.</summary>
    public int BatchSize { get; init; } = 16;
    /// <summary>Micro-batches per optimizer step; the loss is the mean over every target token of the step. Default 1.</summary>
    public int GradAccumulation { get; init; } = 1;
    /// <summary>Tokens per row (packed) or the longest sequence allowed (padded). Longer sequences are refused. Default 256.</summary>
    public int MaxSeqLen { get; init; } = 256;
    public Batching Batching { get; init; } = Batching.Packed;
    public Precision Precision { get; init; } = Precision.Fp32;
    /// <summary>Optimizer steps to run; when 0, <see cref="Epochs"/> decides. Default 0.</summary>
    public int MaxSteps { get; init; }
    /// <summary>Passes over the training data when <see cref="MaxSteps"/> is 0. Default 1.</summary>
    public int Epochs { get; init; } = 1;
    /// <summary>Seed of the data order and of a fresh model's initialisation. Default 0.</summary>
    public long Seed { get; init; }
    /// <summary>Save a checkpoint every N steps (0: only at the end). Default 0.</summary>
    public int SaveEvery { get; init; }
    /// <summary>Keep only the newest K checkpoint-STEP folders (final/ is always kept). Default 2.</summary>
    public int KeepLast { get; init; } = 2;
    /// <summary>Validation loss every M steps (0: only at the end), when validation data is given. Default 100.</summary>
    public int EvalEvery { get; init; } = 100;
    /// <summary>
    /// Gradient checkpointing: keep only each decoder layer's input in the forward pass and recompute the layer's
    /// activations during the backward pass (about one more forward per step, far less activation memory;
    /// see <see cref="MemoryEstimate"/>). Gradients are the same. Default false.
    /// </summary>
    public bool GradientCheckpointing { get; init; }
    /// <summary>CPU threads for torch (0: libtorch's default). Default 0.</summary>
    public int Threads { get; init; }
    /// <summary>
    /// Train LoRA adapters on a frozen base instead of the whole model (see <see cref="Lora.LoraConfig"/>): the base stays in
    /// the compute dtype (bf16 where <see cref="Precision"/> resolves to it: no float32 master copy, no gradients, no optimizer
    /// state for it), the adapters train in float32, and checkpoints hold the adapters in PEFT's format. Null: full fine-tuning. Default null.
    /// </summary>
    public Lora.LoraConfig? Lora { get; init; }

    public void Validate()
    {
        void Require(bool ok, string field, string rule) { if (!ok) throw new BardException($"SFT config: {field} {rule}."); }
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), "must be a positive number");
        Require(WarmupSteps >= 0, nameof(WarmupSteps), "must be ≥ 0");
        Require(MinLrRatio is >= 0 and <= 1, nameof(MinLrRatio), "must be in [0, 1]");
        Require(WeightDecay >= 0, nameof(WeightDecay), "must be ≥ 0");
        Require(Beta1 is >= 0 and < 1 && Beta2 is >= 0 and < 1, "Beta1/Beta2", "must be in [0, 1)");
        Require(Epsilon > 0, nameof(Epsilon), "must be positive");
        Require(GradClip >= 0, nameof(GradClip), "must be ≥ 0 (0 = off)");
        Require(BatchSize > 0, nameof(BatchSize), "must be positive");
        Require(GradAccumulation > 0, nameof(GradAccumulation), "must be positive");
        Require(MaxSeqLen >= 2, nameof(MaxSeqLen), "must be at least 2");
        Require(MaxSteps >= 0, nameof(MaxSteps), "must be ≥ 0 (0 = use Epochs)");
        Require(MaxSteps > 0 || Epochs > 0, nameof(Epochs), "must be positive when MaxSteps is 0");
        Require(SaveEvery >= 0 && EvalEvery >= 0, "SaveEvery/EvalEvery", "must be ≥ 0");
        Require(KeepLast >= 1, nameof(KeepLast), "must be at least 1");
        Require(Threads >= 0, nameof(Threads), "must be ≥ 0");
        Require(Enum.IsDefined(Precision), nameof(Precision), "must be fp32, bf16 or auto");
        Lora?.Validate();
    }
}
