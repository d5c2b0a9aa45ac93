using Bard.Data;
using Bard.Data.Tasks;
using Bard.Eval;
using Bard.Model;
using Bard.Text;
using static TorchSharp.torch;

namespace Bard.Tests.Eval;

/// <summary>The local evaluator against the model's context: refused up front, or the cap lowered per row.</summary>
public sealed class LocalEvaluatorTests
{
    static readonly ITokenizer Tokenizer = new EmbeddedTask(new EmbeddedTaskOptions()).CreateTokenizer();
    static readonly StudentChat Chat = new(Tokenizer, ChatTemplate.Parse(ChatML.Template), null, BudgetPromptFormat.Default);

    /// <summary>A micro model whose weights are all 0 (norms 1): every logit is 0, so greedy decoding writes &lt;pad&gt; (id 0) until its cap.</summary>
    static CausalLM PadWriter(int context)
    {
        var model = new CausalLM(ModelPresets.Create("micro", Tokenizer.VocabSize, maxPositions: context));
        using var noGrad = no_grad();
        foreach (var (name, p) in model.named_parameters())
            if (name.EndsWith("norm.weight", StringComparison.Ordinal)) p.fill_(1.0); else p.zero_();
        return model;
    }

    static EvalRunOptions Options(params int[] budgets) => new() { Method = "bard", Budgets = budgets, BatchSize = 1 };

    [Fact]
    public void Run_PromptAloneFillsTheContext_RefusedBeforeAnythingIsGenerated_NamingTheProblemAndBothSizes()
    {
        using var model = PadWriter(context: 64);
        Problem[] problems = [new("short", "What is 2+3?", "5"), new("long", new string('q', 80), "1")];
        int batches = 0;
        var e = Assert.Throws<BardException>(() => LocalEvaluator.Run(model, Chat, problems, (_, _) => true, Options(8), _ => batches++));
        int length = Chat.Prompt(problems[1].Question, 8).Length;
        Assert.Equal($"eval: problem 'long': its prompt is {length} tokens (budget 8), but the model's context (max_position_embeddings in its config.json) "
            + "is 64 tokens, so nothing can be generated. Fix: shorten or drop this problem, or evaluate a model with a longer context.", e.Message);
        Assert.Equal(0, batches); // the first problem, in a batch of its own, was not generated either
    }

    [Fact]
    public void Run_QuestionFarLongerThanAnyContext_RefusedByItsLengthBeforeTheTemplateRendersIt()
    {
        // The probe's 50 MB question used to reach the chat template, whose string limit then named the template, not the problem.
        using var model = PadWriter(context: 64);
        Problem[] problems = [new("huge", new string('q', 64 * 1024 + 1), "1")];
        var e = Assert.Throws<BardException>(() => LocalEvaluator.Run(model, Chat, problems, (_, _) => true, Options(8)));
        Assert.Equal("eval: problem 'huge': its question is 65,537 characters, more than a context of 64 tokens (max_position_embeddings) can hold. "
            + "Fix: shorten or drop this problem.", e.Message);
    }

    [Fact]
    public void Run_PromptPlusCapPastTheContext_LowersEachRowsCapToWhatFits_AndWarnsOnce()
    {
        const int context = 96;
        using var model = PadWriter(context);
        Problem[] problems = [new("a", "What is 2+3?", "5"), new("b", "What is 12 + 30 - 7?", "35")];
        var warnings = new List<string>();
        var samples = LocalEvaluator.Run(model, Chat, problems, (_, _) => false, Options(8, 32), onWarning: warnings.Add);
        Assert.Equal(4, samples.Count);
        foreach (var s in samples)
        {
            int prompt = Chat.Prompt(problems.Single(p => p.Id == s.ProblemId).Question, s.Budget).Length;
            int cap = Math.Min(2 * s.Budget!.Value + 64, context - prompt);
            int generated = (s.Output!.Length - s.Output.Replace("<pad>", "").Length) / "<pad>".Length;
            Assert.True(generated == cap, $"{s.ProblemId} b={s.Budget}: {generated} tokens generated after a {prompt}-token prompt, expected the cap {cap}");
            Assert.True(s.Truncated);
        }
        var warning = Assert.Single(warnings);
        Assert.StartsWith("4 of 4 prompts plus their new-token cap", warning);
        Assert.Contains($"exceed the model's context of {context} tokens", warning);
        Assert.Contains("Their cap is lowered to what fits", warning);
    }

    [Fact]
    public void Run_NoProblems_IsAnError()
    {
        using var model = PadWriter(context: 64);
        var e = Assert.Throws<BardException>(() => LocalEvaluator.Run(model, Chat, [], (_, _) => true, Options(8)));
        Assert.Contains("no problems to evaluate", e.Message);
    }
}
