namespace Bard.Data.Tasks;

/// <summary>How the problem is restated before the steps, from none to richest.</summary>
public enum RestateLevel
{
    /// <summary>Not restated.</summary>
    None,
    /// <summary><c>so: 3 +4 *2 -7, mod 10.</c></summary>
    Short,
    /// <summary><c>we start with 3 and apply +4 *2 -7 in order, mod 10.</c></summary>
    Long,
}
