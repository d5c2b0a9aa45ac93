namespace Bard.Serving;

/// <summary>
/// The prompt templates of <see cref="LlmCompressor"/> (documented in docs/serving.md). Placeholders:
/// <c>{question}</c>, <c>{thinking}</c> (the teacher's reasoning), <c>{answer}</c>, <c>{budget}</c> (target length in the
/// student's tokens), <c>{words}</c> (a rough word count for it, budget × <see cref="LlmCompressorOptions.WordsPerToken"/>);
/// the feedback template also has <c>{produced}</c> (the last attempt's length), <c>{low}</c>, <c>{high}</c> (the accepted
/// range) and <c>{direction}</c> ("shorter" or "longer").
/// </summary>
public static class CompressorPrompts
{
    /// <summary>The first request for a budget.</summary>
    public const string Rewrite =
        "Below is a problem and a step-by-step reasoning that solves it. Rewrite the reasoning so that it is about {budget} tokens "
        + "long (roughly {words} words), keeping it correct and reaching the same final answer.\n"
        + "- If the target is shorter than the original, drop detours, re-checks and repetition first; keep the steps the answer depends on.\n"
        + "- If the target is longer, add useful checks and explanations, not filler.\n"
        + "- Write it as the solver's own thinking, in the first person, without mentioning this instruction, the original or the length.\n"
        + "- Output only the rewritten reasoning: no title, no preamble, no final-answer line.\n\n"
        + "Problem:\n{question}\n\nOriginal reasoning:\n{thinking}\n\nFinal answer: {answer}";

    /// <summary>The follow-up when an attempt missed the tolerance (sent after the attempt, in the same conversation).</summary>
    public const string Feedback =
        "That version is {produced} tokens long; the target is {budget} tokens (accepted: {low} to {high}). "
        + "Rewrite it {direction}, to about {budget} tokens (roughly {words} words). Output only the reasoning.";
}
