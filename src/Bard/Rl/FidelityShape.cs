using System.Text.Json.Serialization;

namespace Bard.Rl;

/// <summary>
/// How budget fidelity f(L, b) falls as the thinking length L strays from the budget b. Every shape is 1 at
/// L = b and lies in [0, 1]. See <see cref="BudgetFidelity"/> for the formulas.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<FidelityShape>))]
public enum FidelityShape
{
    /// <summary>Two-sided linear: f = max(0, 1 − |L − b| / (τ·b)), τ = <see cref="RewardConfig.Tolerance"/>. Zero at L ≤ (1 − τ)·b and L ≥ (1 + τ)·b.</summary>
    Linear,
    /// <summary>Two-sided Gaussian in the relative error: f = exp(−½·((L − b) / (σ·b))²), σ = <see cref="RewardConfig.Sigma"/>. Never exactly 0.</summary>
    Gaussian,
    /// <summary>One-sided "max": f = 1 for L ≤ b, then linear down to 0 at (1 + τ)·b: f = max(0, 1 − (L − b) / (τ·b)). Short thinking is never punished.</summary>
    OneSidedMax,
}
