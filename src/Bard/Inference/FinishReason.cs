namespace Bard.Inference;

/// <summary>Why a sequence stopped growing.</summary>
public enum FinishReason
{
    /// <summary>It produced one of the stop tokens.</summary>
    Stop,
    /// <summary>It reached the maximum number of new tokens.</summary>
    Length,
}
