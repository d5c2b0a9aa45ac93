using Bard.Training;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bard.Rl;

/// <summary>
/// Options of BARD's RL phase (GRPO family). Immutable; <see cref="Validate"/> names the bad field. JSON files use
/// snake_case property names (<c>group_size</c>, <c>eps_high</c>, <c>reward.fidelity</c>) and enum names as strings
/// in snake_case (<c>"token_level"</c>, <c>"dr_grpo"</c>), as every Bard config file (<see cref="ConfigJson"/>); unknown properties are refused, so a typo cannot silently keep a default.
/// </summary>
public sealed record RlConfig
{
    /// <summary>G: completions sampled per prompt; one group is one question at one budget. Default 8.</summary>
    public int GroupSize { get; init; } = 8;
    /// <summary>Distinct (question, budget) prompts per rollout batch; the batch holds PromptsPerStep × GroupSize completions. Default 8.</summary>
    public int PromptsPerStep { get; init; } = 8;
    /// <summary>Sampling temperature of the rollouts. Default 1.0 (the policy's own distribution, which the ratio assumes).</summary>
    public double Temperature { get; init; } = 1.0;
    /// <summary>Nucleus (top-p) cut-off of the rollouts; 1 turns it off. Default 1.0.</summary>
    public double TopP { get; init; } = 1.0;
    /// <summary>Maximum completion length (thinking + answer), in tokens; a completion that reaches it is truncated. Also the Dr. GRPO constant normaliser. Default 256.</summary>
    public int MaxCompletionTokens { get; init; } = 256;
    /// <summary>How budgets are drawn. Default <see cref="BudgetSampling.LogUniform"/>.</summary>
    public BudgetSampling BudgetSampling { get; init; } = BudgetSampling.LogUniform;
    /// <summary>The budgets (tokens) of <see cref="BudgetSampling.List"/>. Default empty.</summary>
    public int[] Budgets { get; init; } = [];
    /// <summary>Smallest budget of <see cref="BudgetSampling.LogUniform"/>, in tokens. Default 8.</summary>
    public int MinBudget { get; init; } = 8;
    /// <summary>Largest budget of <see cref="BudgetSampling.LogUniform"/>, in tokens; must stay below <see cref="MaxCompletionTokens"/>. Default 150 (the embedded task's training range).</summary>
    public int MaxBudget { get; init; } = 150;
    /// <summary>The reward: correctness × fidelity by default. Default <c>new RewardConfig()</c>.</summary>
    public RewardConfig Reward { get; init; } = new();
    /// <summary>Advantage estimator. Default <see cref="AdvantageMode.Grpo"/>.</summary>
    public AdvantageMode AdvantageMode { get; init; } = AdvantageMode.Grpo;
    /// <summary>ε added to the group std under <see cref="AdvantageMode.Grpo"/>. Default 1e-4 (TRL).</summary>
    public double AdvantageEpsilon { get; init; } = 1e-4;
    /// <summary>ε_low: lower clip of the ratio at 1 − ε_low. Default 0.2 (DAPO).</summary>
    public double EpsLow { get; init; } = 0.2;
    /// <summary>ε_high: upper clip of the ratio at 1 + ε_high. Default 0.28 (DAPO's clip-higher).</summary>
    public double EpsHigh { get; init; } = 0.28;
    /// <summary>Loss reduction. Default <see cref="LossAggregation.TokenLevel"/> (DAPO).</summary>
    public LossAggregation Aggregation { get; init; } = LossAggregation.TokenLevel;
    /// <summary>β of the k3 KL to a frozen reference. Default 0: no KL and no reference model is loaded.</summary>
    public double Beta { get; init; }
    /// <summary>μ: optimisation steps on each rollout batch (1 = on-policy, ratio ≡ 1 and no clipping). Default 1.</summary>
    public int InnerSteps { get; init; } = 1;
    /// <summary>
    /// Learning rate (constant). Default 1e-5, for pretrained models (L1 and BudgetThinker used 1e-6 at 1.5B).
    /// Tiny students trained from scratch need far more (e.g. 1e-4): sweep.
    /// </summary>
    public double LearningRate { get; init; } = 1e-5;
    /// <summary>Decoupled (AdamW) weight decay. Default 0 (TRL's default; RL runs are short and start from a trained model).</summary>
    public double WeightDecay { get; init; }
    /// <summary>Clip the global gradient norm to this; 0 turns clipping off. Default 1.0.</summary>
    public double GradClip { get; init; } = 1.0;
    /// <summary>Rollout batches (RL steps) to run. Default 100.</summary>
    public int MaxSteps { get; init; } = 100;
    /// <summary>Seed of budget draws, prompt order and sampling. Default 0.</summary>
    public long Seed { get; init; }
    /// <summary>Save a checkpoint every N steps (0: only at the end). Default 0.</summary>
    public int SaveEvery { get; init; }
    /// <summary>
    /// Greedy evaluation every M steps and at the last one, on the run's evaluation problems (<see cref="RlRun.EvalProblems"/>;
    /// <c>bard rl --eval-problems</c>) at its evaluation budgets: accuracy and mean |L − b|/b per budget into metrics.jsonl
    /// (<c>eval_accuracy</c>, <c>eval_rel_dev</c>, <c>eval_accuracy_bB</c>, <c>eval_rel_dev_bB</c>). 0: none. Without evaluation
    /// problems nothing is evaluated whatever M is. Default 20.
    /// </summary>
    public int EvalEvery { get; init; } = 20;
    /// <summary>Leave groups whose rewards have zero std out of the loss (they carry no gradient, but dilute a token-level mean). DAPO's dynamic sampling without the re-drawing; see <see cref="BatchAdvantages.InLoss"/>. Default false.</summary>
    public bool DropZeroStdGroups { get; init; }
    /// <summary>Gradient checkpointing in the policy update: recompute each decoder layer's activations in the backward pass (less memory, same gradients). Default false.</summary>
    public bool GradientCheckpointing { get; init; }
    /// <summary>
    /// Precision of the update's forward and backward: <see cref="Precision.Fp32"/> (default) or <see cref="Precision.Bf16"/> (a bf16
    /// copy of the policy computes log-probs and gradients; clipping and AdamW run on the float32 weights, which also sample the rollouts),
    /// or <see cref="Precision.Auto"/> (bf16 where the device computes it in hardware, <see cref="PrecisionChoice"/>).
    /// </summary>
    public Precision Precision { get; init; } = Precision.Fp32;
    /// <summary>
    /// Train LoRA adapters on the frozen policy instead of the whole model (<see cref="Lora.LoraConfig"/>; the base in the compute
    /// dtype, the adapters float32). The KL reference is then the base with the adapters switched off: no second copy of the weights.
    /// Null: full fine-tuning. Default null.
    /// </summary>
    public Lora.LoraConfig? Lora { get; init; }

    /// <summary>Reads a config from JSON text (snake_case names, string enums), then validates it. <paramref name="source"/> names the text in errors.</summary>
    public static RlConfig FromJson(string json, string source = "RL config")
    {
        RlConfig? config;
        try { config = JsonSerializer.Deserialize<RlConfig>(json, ConfigJson.Options); }
        catch (JsonException e) { throw new BardException($"{source}: {e.Message}", e); }
        if (config is null) throw new BardException($"{source}: the JSON is null; expected an object such as {{\"group_size\": 8}}.");
        config.Validate();
        return config;
    }

    /// <summary>Reads and validates a JSON config file.</summary>
    public static RlConfig Load(string path) => FromJson(File.ReadAllText(path), path);

    /// <summary>The config as indented snake_case JSON (what a run writes next to its outputs); <see cref="FromJson"/> reads it back.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ConfigJson.Options);

    /// <summary>Throws <see cref="BardException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        static void Require(bool ok, string field, string rule) { if (!ok) throw new BardException($"RL config: {field} {rule}."); }
        Require(GroupSize >= 2, nameof(GroupSize), $"must be at least 2 (got {GroupSize}); a group of one has no advantage");
        Require(PromptsPerStep > 0, nameof(PromptsPerStep), $"must be positive (got {PromptsPerStep})");
        Require(Temperature > 0 && double.IsFinite(Temperature), nameof(Temperature), $"must be positive (got {Temperature})");
        Require(TopP is > 0 and <= 1, nameof(TopP), $"must be in (0, 1] (got {TopP}); 1 turns it off");
        Require(MaxCompletionTokens > 0, nameof(MaxCompletionTokens), $"must be positive (got {MaxCompletionTokens})");
        Require(Enum.IsDefined(BudgetSampling), nameof(BudgetSampling), "must be List or LogUniform");
        if (BudgetSampling == BudgetSampling.List)
        {
            Require(Budgets is { Length: > 0 }, nameof(Budgets), "must list at least one budget with List sampling");
            foreach (int b in Budgets)
                Require(b > 0 && b < MaxCompletionTokens, nameof(Budgets), $"must hold budgets in [1, MaxCompletionTokens = {MaxCompletionTokens}) (got {b})");
        }
        else
        {
            Require(MinBudget > 0, nameof(MinBudget), $"must be positive (got {MinBudget})");
            Require(MaxBudget >= MinBudget, nameof(MaxBudget), $"must be ≥ MinBudget = {MinBudget} (got {MaxBudget})");
            Require(MaxBudget < MaxCompletionTokens, nameof(MaxBudget), $"must be below MaxCompletionTokens = {MaxCompletionTokens} (got {MaxBudget}), or no answer fits after the thinking");
        }
        Require(Reward is not null, nameof(Reward), "must be given");
        Reward!.Validate();
        Require(Enum.IsDefined(AdvantageMode), nameof(AdvantageMode), "must be Grpo or DrGrpo");
        Require(AdvantageEpsilon >= 0 && double.IsFinite(AdvantageEpsilon), nameof(AdvantageEpsilon), $"must be ≥ 0 (got {AdvantageEpsilon})");
        Require(EpsLow is >= 0 and < 1, nameof(EpsLow), $"must be in [0, 1) (got {EpsLow})");
        Require(EpsHigh >= 0 && double.IsFinite(EpsHigh), nameof(EpsHigh), $"must be ≥ 0 (got {EpsHigh})");
        Require(Enum.IsDefined(Aggregation), nameof(Aggregation), "must be TokenLevel, SequenceMean or ConstantLength");
        Require(Beta >= 0 && double.IsFinite(Beta), nameof(Beta), $"must be ≥ 0 (got {Beta}); 0 loads no reference model");
        Require(InnerSteps > 0, nameof(InnerSteps), $"must be positive (got {InnerSteps})");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), $"must be a positive number (got {LearningRate})");
        Require(WeightDecay >= 0, nameof(WeightDecay), $"must be ≥ 0 (got {WeightDecay})");
        Require(GradClip >= 0, nameof(GradClip), $"must be ≥ 0 (got {GradClip}); 0 turns clipping off");
        Require(MaxSteps > 0, nameof(MaxSteps), $"must be positive (got {MaxSteps})");
        Require(SaveEvery >= 0, nameof(SaveEvery), $"must be ≥ 0 (got {SaveEvery}); 0 saves only at the end");
        Require(Enum.IsDefined(Precision), nameof(Precision), "must be fp32, bf16 or auto");
        Lora?.Validate();
        Require(EvalEvery >= 0, nameof(EvalEvery), $"must be ≥ 0 (got {EvalEvery}); 0 turns evaluation during the run off");
    }
}
