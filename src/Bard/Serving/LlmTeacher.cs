using Bard.Eval;
using Bard.Data;
using Bard.Text;

namespace Bard.Serving;

/// <summary>
/// The teacher of BARD's data pipeline as a large reasoning model behind an OpenAI-compatible endpoint: draws up to
/// <see cref="LlmTeacherOptions.SamplesPerProblem"/> samples for a problem and keeps the first whose answer the
/// verifier accepts, its reasoning taken from <c>reasoning_content</c> or from &lt;think&gt; tags. A sample with no
/// reasoning, an unclosed think block or a truncated answer is not kept.
/// </summary>
public sealed class LlmTeacher(ChatEndpoint endpoint, LlmTeacherOptions options, IAnswerVerifier? verifier = null)
{
    readonly LlmTeacherOptions options = options.Validate();
    readonly IAnswerVerifier verifier = verifier ?? new MathVerifier();

    /// <summary>The name traces record as their teacher: the endpoint's model.</summary>
    public string Name => endpoint.Options.Model;

    /// <summary>Samples the problem until a verified-correct trace or the sample limit; throws <see cref="EndpointException"/> when the endpoint fails.</summary>
    public async Task<TeachOutcome> TeachAsync(Problem problem, CancellationToken cancel = default)
    {
        var messages = new[] { ChatMessage.User(options.PromptTemplate.Replace("{question}", problem.Question, StringComparison.Ordinal)) };
        var usage = ChatUsage.Zero;
        var why = new List<string>();
        for (int k = 0; k < options.SamplesPerProblem; k++)
        {
            var settings = new ChatRequestSettings
            {
                MaxTokens = options.MaxTokens, Temperature = options.Temperature, TopP = options.TopP,
                Seed = StableHash.Combine(options.Seed, $"{problem.Id}/{k}"),
            };
            var reply = await endpoint.CompleteAsync(messages, settings, cancel);
            usage += reply.Usage;
            var c = reply.Choices[0];
            var verdict = verifier.Check(c.Content, problem.Answer);
            string answer = verdict.Extracted ?? c.Content.Trim();
            string? rejected = c.FinishReason == "length" ? "truncated at max_tokens"
                : !c.ThinkingClosed ? "think block never closed"
                : c.Reasoning.Trim().Length == 0 ? "no reasoning"
                : !verdict.Correct ? $"answered {Clip(answer)}, gold {Clip(problem.Answer)}"
                : null;
            if (rejected is null)
                return new TeachOutcome(new TeacherTrace(problem.Id, c.Reasoning.Trim('\n'), answer, Name, Correct: true), k + 1, usage, null);
            why.Add(rejected);
        }
        return new TeachOutcome(null, options.SamplesPerProblem, usage,
            $"no correct sample in {options.SamplesPerProblem}: " + string.Join("; ", why.Distinct().Take(4)));
    }

    static string Clip(string s) => s.Length <= 40 ? $"'{s}'" : $"'{s[..40]}…'";
}
