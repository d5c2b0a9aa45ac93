namespace Bard.Data.Tasks;

/// <summary>An operation of the embedded task's chains; each is written as one character.</summary>
public enum ChainOperator
{
    /// <summary><c>+</c></summary>
    Add,
    /// <summary><c>-</c></summary>
    Subtract,
    /// <summary><c>*</c></summary>
    Multiply,
}
