namespace Bard.Text;

/// <summary>
/// An assistant output split at its thinking delimiters (see <see cref="BudgetPromptFormat.Split"/>).
/// Works on text only; thinking length in tokens is <see cref="BudgetPromptFormat.CountThinkingTokens(string, ITokenizer)"/>.
/// </summary>
/// <param name="Preamble">Text before the opening tag (normally empty; kept so nothing is lost).</param>
/// <param name="Thinking">Text strictly between the opening and the closing tag (all of it after the opening tag when unclosed); "" when there is no thinking.</param>
/// <param name="Answer">Text after the closing tag with its leading newlines removed (as Qwen3's template does); "" when the thinking is unclosed.</param>
/// <param name="Opened">The output holds the opening tag.</param>
/// <param name="Closed">The output holds the closing tag: the model stopped thinking by itself.</param>
public sealed record ThinkingSplit(string Preamble, string Thinking, string Answer, bool Opened, bool Closed)
{
    /// <summary>The output has a thinking block (opened, closed, or both).</summary>
    public bool HasThinking => Opened || Closed;
}
