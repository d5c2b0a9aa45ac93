using Bard.Rl;

namespace Bard.Tests.Rl;

public class RlConfigTests
{
    [Fact]
    public void Defaults_AreValidAndDocumentedValues()
    {
        var c = new RlConfig();
        c.Validate();
        Assert.Equal((8, 8, 1.0, 1.0, 256), (c.GroupSize, c.PromptsPerStep, c.Temperature, c.TopP, c.MaxCompletionTokens));
        Assert.Equal((0.2, 0.28, LossAggregation.TokenLevel, 0.0, 1), (c.EpsLow, c.EpsHigh, c.Aggregation, c.Beta, c.InnerSteps));
        Assert.Equal((AdvantageMode.Grpo, 1e-5, false, Bard.Training.Precision.Fp32), (c.AdvantageMode, c.LearningRate, c.DropZeroStdGroups, c.Precision));
        Assert.Equal(new RewardConfig(), c.Reward);
        Assert.Equal((FidelityShape.Linear, 0.5, RewardCombination.Multiplicative, 1.0, true, TruncationHandling.Mask),
            (c.Reward.Fidelity, c.Reward.Tolerance, c.Reward.Combination, c.Reward.Lambda, c.Reward.FormatGate, c.Reward.Truncation));
    }

    [Fact]
    public void FromJson_SnakeCaseNamesAndStringEnums_SetTheFields()
    {
        const string json = """
            {
              // comments are allowed
              "group_size": 4,
              "eps_high": 0.3,
              "aggregation": "SequenceMean",
              "advantage_mode": "DrGrpo",
              "budget_sampling": "List",
              "budgets": [8, 16, 32],
              "drop_zero_std_groups": true,
              "precision": "bf16",
              "reward": { "fidelity": "Gaussian", "sigma": 0.3, "combination": "Additive", "lambda": 0.5, "truncation": "Penalize", "overlong_buffer": 16 },
            }
            """;
        var c = RlConfig.FromJson(json);
        Assert.Equal((4, 0.3, LossAggregation.SequenceMean, AdvantageMode.DrGrpo, true), (c.GroupSize, c.EpsHigh, c.Aggregation, c.AdvantageMode, c.DropZeroStdGroups));
        Assert.Equal([8, 16, 32], c.Budgets);
        Assert.Equal(Bard.Training.Precision.Bf16, c.Precision);
        Assert.Equal(new RewardConfig { Fidelity = FidelityShape.Gaussian, Sigma = 0.3, Combination = RewardCombination.Additive, Lambda = 0.5, Truncation = TruncationHandling.Penalize, OverlongBuffer = 16 }, c.Reward);
        Assert.Equal(8, c.PromptsPerStep); // untouched fields keep their defaults
    }

    [Fact]
    public void ToJson_RoundTripsAndUsesSnakeCaseAndEnumNames()
    {
        var c = new RlConfig { Beta = 0.01, Aggregation = LossAggregation.ConstantLength, Reward = new RewardConfig { Fidelity = FidelityShape.OneSidedMax } };
        string json = c.ToJson();
        Assert.Contains("\"max_completion_tokens\": 256", json);
        Assert.Contains("\"constant_length\"", json);
        Assert.Contains("\"one_sided_max\"", json);
        Assert.Equal(json, RlConfig.FromJson(json).ToJson());
    }

    [Fact]
    public void FromJson_UnknownProperty_ThrowsNamingIt()
    {
        var e = Assert.Throws<BardException>(() => RlConfig.FromJson("{\"grop_size\": 4}", "rl.json"));
        Assert.Contains("grop_size", e.Message);
        Assert.Contains("rl.json", e.Message);
    }

    [Fact]
    public void FromJson_InvalidValue_ThrowsNamingTheField()
    {
        var e = Assert.Throws<BardException>(() => RlConfig.FromJson("{\"eps_low\": 1.5}"));
        Assert.Contains("EpsLow", e.Message);
    }

    [Fact]
    public void FromJson_UnknownEnumName_Throws()
    {
        var e = Assert.Throws<BardException>(() => RlConfig.FromJson("{\"aggregation\": \"Sum\"}"));
        Assert.Contains("aggregation", e.Message);
    }

    [Theory]
    [InlineData("GroupSize")]
    [InlineData("PromptsPerStep")]
    [InlineData("Temperature")]
    [InlineData("TopP")]
    [InlineData("MaxCompletionTokens")]
    [InlineData("Budgets")]
    [InlineData("MinBudget")]
    [InlineData("MaxBudget")]
    [InlineData("AdvantageEpsilon")]
    [InlineData("EpsLow")]
    [InlineData("EpsHigh")]
    [InlineData("Beta")]
    [InlineData("InnerSteps")]
    [InlineData("LearningRate")]
    [InlineData("WeightDecay")]
    [InlineData("GradClip")]
    [InlineData("MaxSteps")]
    [InlineData("SaveEvery")]
    [InlineData("EvalEvery")]
    [InlineData("Tolerance")]
    [InlineData("Sigma")]
    [InlineData("Lambda")]
    [InlineData("TruncationPenalty")]
    [InlineData("OverlongBuffer")]
    public void Validate_BadField_MessageNamesIt(string field)
    {
        var d = new RlConfig();
        var bad = field switch
        {
            "GroupSize" => d with { GroupSize = 1 },
            "PromptsPerStep" => d with { PromptsPerStep = 0 },
            "Temperature" => d with { Temperature = 0 },
            "TopP" => d with { TopP = 1.5 },
            "MaxCompletionTokens" => d with { MaxCompletionTokens = 0 },
            "Budgets" => d with { BudgetSampling = BudgetSampling.List, Budgets = [] },
            "MinBudget" => d with { MinBudget = 0 },
            "MaxBudget" => d with { MaxBudget = 256 },
            "AdvantageEpsilon" => d with { AdvantageEpsilon = -1 },
            "EpsLow" => d with { EpsLow = 1 },
            "EpsHigh" => d with { EpsHigh = double.NaN },
            "Beta" => d with { Beta = -0.1 },
            "InnerSteps" => d with { InnerSteps = 0 },
            "LearningRate" => d with { LearningRate = 0 },
            "WeightDecay" => d with { WeightDecay = -1 },
            "GradClip" => d with { GradClip = -1 },
            "MaxSteps" => d with { MaxSteps = 0 },
            "SaveEvery" => d with { SaveEvery = -1 },
            "EvalEvery" => d with { EvalEvery = -1 },
            "Tolerance" => d with { Reward = d.Reward with { Tolerance = 0 } },
            "Sigma" => d with { Reward = d.Reward with { Sigma = -1 } },
            "Lambda" => d with { Reward = d.Reward with { Lambda = -1 } },
            "TruncationPenalty" => d with { Reward = d.Reward with { TruncationPenalty = -1 } },
            "OverlongBuffer" => d with { Reward = d.Reward with { OverlongBuffer = -1 } },
            _ => throw new ArgumentException(field),
        };
        var e = Assert.Throws<BardException>(bad.Validate);
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void Validate_ListBudgetAtOrAboveMaxCompletion_Throws()
    {
        var e = Assert.Throws<BardException>(new RlConfig { BudgetSampling = BudgetSampling.List, Budgets = [8, 256] }.Validate);
        Assert.Contains("Budgets", e.Message);
        Assert.Contains("256", e.Message);
    }
}
