using System.Text.Json.Serialization;

namespace Bard.Rl;

/// <summary>How the RL phase draws the thinking budget of each prompt.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BudgetSampling>))]
public enum BudgetSampling
{
    /// <summary>Uniformly from <see cref="RlConfig.Budgets"/>.</summary>
    List,
    /// <summary>Log-uniformly between <see cref="RlConfig.MinBudget"/> and <see cref="RlConfig.MaxBudget"/> (inclusive, rounded to whole tokens): as many small budgets as large ones per octave.</summary>
    LogUniform,
}
