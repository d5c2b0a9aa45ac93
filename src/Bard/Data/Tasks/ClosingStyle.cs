namespace Bard.Data.Tasks;

/// <summary>The sentence that ends the reasoning, from none to richest; the compressor also uses it to land on the budget.</summary>
public enum ClosingStyle
{
    /// <summary>Nothing after the last step.</summary>
    None,
    /// <summary>A full stop right after a written result: <c>… 7.</c></summary>
    Dot,
    /// <summary><c>so 7.</c></summary>
    Brief,
    /// <summary><c>so it is 7.</c> (only with <see cref="EmbeddedTaskOptions.PadAfterSteps"/>: it fills the gap between "so 7." and "the answer is 7.")</summary>
    Medium,
    /// <summary><c>the answer is 7.</c></summary>
    Short,
    /// <summary><c>so the answer is 7.</c></summary>
    Full,
}
