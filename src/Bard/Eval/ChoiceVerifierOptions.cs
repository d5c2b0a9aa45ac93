namespace Bard.Eval;

/// <summary>Which letters <see cref="ChoiceVerifier"/> accepts as options. Immutable.</summary>
public sealed record ChoiceVerifierOptions
{
    /// <summary>The option letters, upper case. Default "ABCD" (GPQA); use "ABCDE" for five-option sets.</summary>
    public string Letters { get; init; } = "ABCD";

    /// <summary>Throws <see cref="BardException"/> when <see cref="Letters"/> is empty or not distinct upper-case letters.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Letters) || !Letters.All(c => c is >= 'A' and <= 'Z') || Letters.Distinct().Count() != Letters.Length)
            throw new BardException($"ChoiceVerifierOptions.Letters must be distinct upper-case letters such as \"ABCD\", got \"{Letters}\".");
    }
}
