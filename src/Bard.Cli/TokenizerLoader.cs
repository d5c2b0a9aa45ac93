using Bard.Text;

namespace Bard.Cli;

/// <summary>The one place where the CLI turns <c>--tokenizer DIR</c> into a tokenizer.</summary>
public static class TokenizerLoader
{
    /// <summary>
    /// Loads the student's Hugging Face tokenizer from <paramref name="dir"/> (tokenizer.json).
    /// Not available yet: Bard.Text's loader is wired in here at merge.
    /// </summary>
    public static ITokenizer LoadTokenizer(string dir) =>
        throw new BardException($"--tokenizer {dir}: loading Hugging Face tokenizers is not available yet in this build "
            + "(it arrives with Bard.Text's tokenizer loader). For the embedded task, leave --tokenizer out to use its character-level tokenizer.");
}
