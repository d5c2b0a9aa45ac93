namespace Bard.Inference;

/// <summary>
/// Steers generation token by token (budget forcing is one): after each sampled token it may replace
/// that token with a forced one, and may end the sequence. One instance serves one batch.
/// </summary>
public interface IGenerationControl
{
    /// <summary>
    /// Called once per step for every unfinished sequence with the token just sampled and the tokens
    /// generated before it. Returns the token to keep (the sampled one or a forced one) and whether
    /// the sequence ends after it.
    /// </summary>
    (int Token, bool Stop) Next(int row, IReadOnlyList<int> generated, int sampled);
}
