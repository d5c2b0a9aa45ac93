using Bard.Text;

namespace Bard.Cli;

/// <summary>The one place where the CLI turns <c>--tokenizer DIR</c> into a tokenizer.</summary>
public static class TokenizerLoader
{
    /// <summary>
    /// Loads the student's Hugging Face tokenizer from <paramref name="dir"/> (tokenizer.json, with tokenizer_config.json
    /// when present); an unsupported kind of tokenizer is refused with a message naming the component.
    /// </summary>
    public static ITokenizer LoadTokenizer(string dir) => HfTokenizer.Load(dir);
}
