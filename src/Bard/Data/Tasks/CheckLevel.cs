namespace Bard.Data.Tasks;

/// <summary>A re-check written after a step (only after <see cref="StepLevel.Brief"/> or richer steps), from none to richest.</summary>
public enum CheckLevel
{
    /// <summary>No re-check.</summary>
    None,
    /// <summary><c>check 7*2=4, ok.</c></summary>
    Short,
    /// <summary><c>wait, let me verify: 7*2=14, and 14 mod 10 is 4. yes.</c></summary>
    Long,
}
