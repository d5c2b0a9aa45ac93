using System.Globalization;
using Bard.Data;
using Bard.Text;

namespace Bard.Serving;

/// <summary>
/// The compressor of BARD's data pipeline as an LLM behind an OpenAI-compatible endpoint: asks for the teacher's
/// reasoning rewritten to a budget (<see cref="CompressorPrompts"/>), measures the result in the student's tokenizer,
/// accepts it within the tolerance, otherwise answers in the same conversation with the length it produced and the
/// target, and after <see cref="LlmCompressorOptions.MaxTries"/> gives up, keeping the closest attempt as a rejected
/// sample with the reason. The answer is the teacher's: the compressor rewrites only the thinking.
/// </summary>
public sealed class LlmCompressor(ChatEndpoint endpoint, ITokenizer student, LlmCompressorOptions options)
{
    readonly LlmCompressorOptions options = options.Validate();

    /// <summary>The name samples record as their compressor: <c>llm:{model}</c>.</summary>
    public string Name => "llm:" + endpoint.Options.Model;

    /// <summary>Rewrites <paramref name="trace"/> to <paramref name="budget"/> student tokens; throws <see cref="EndpointException"/> when the endpoint fails.</summary>
    public async Task<CompressOutcome> CompressAsync(Problem problem, TeacherTrace trace, int budget, CancellationToken cancel = default)
    {
        if (budget < 1) throw new BardException($"a compression budget must be ≥ 1 token, got {budget}.");
        int low = (int)Math.Ceiling(budget * (1 - options.Tolerance)), high = (int)Math.Floor(budget * (1 + options.Tolerance));
        var messages = new List<ChatMessage> { ChatMessage.User(Fill(options.RewriteTemplate, problem, trace, budget, null, low, high)) };
        var settings = new ChatRequestSettings { Temperature = options.Temperature, MaxTokens = Math.Max(options.MaxTokens, 4 * budget) };
        var lengths = new List<int>();
        var usage = ChatUsage.Zero;
        (string Text, int Length)? best = null;
        for (int t = 0; t < options.MaxTries; t++)
        {
            var reply = await endpoint.CompleteAsync(messages, settings, cancel);
            usage += reply.Usage;
            string text = reply.Choices[0].Content.Trim();
            int length = student.CountTokens(text);
            lengths.Add(length);
            if (best is null || Math.Abs(length - budget) < Math.Abs(best.Value.Length - budget)) best = (text, length);
            if (length >= low && length <= high)
                return new CompressOutcome(Sample(problem, trace, budget, text, length, accepted: true), lengths, usage, null);
            messages.Add(ChatMessage.Assistant(text));
            messages.Add(ChatMessage.User(Fill(options.FeedbackTemplate, problem, trace, budget, length, low, high)));
        }
        var (bestText, bestLength) = best!.Value;
        return new CompressOutcome(Sample(problem, trace, budget, bestText, bestLength, accepted: false), lengths, usage,
            $"no attempt within {options.Tolerance:P0} of {budget} tokens after {options.MaxTries} tries (lengths {string.Join(", ", lengths)})");
    }

    BudgetedSample Sample(Problem problem, TeacherTrace trace, int budget, string text, int length, bool accepted) =>
        new(problem.Id, budget, text, trace.Answer, length, Name, accepted);

    string Fill(string template, Problem problem, TeacherTrace trace, int budget, int? produced, int low, int high)
    {
        string I(double x) => Math.Round(x).ToString(CultureInfo.InvariantCulture);
        return template
            .Replace("{question}", problem.Question, StringComparison.Ordinal)
            .Replace("{thinking}", trace.Thinking, StringComparison.Ordinal)
            .Replace("{answer}", trace.Answer, StringComparison.Ordinal)
            .Replace("{budget}", I(budget), StringComparison.Ordinal)
            .Replace("{words}", I(budget * options.WordsPerToken), StringComparison.Ordinal)
            .Replace("{produced}", produced is int p ? I(p) : "", StringComparison.Ordinal)
            .Replace("{low}", I(low), StringComparison.Ordinal)
            .Replace("{high}", I(high), StringComparison.Ordinal)
            .Replace("{direction}", produced > budget ? "shorter" : "longer", StringComparison.Ordinal);
    }
}
