using System.Globalization;
using Bard.Text;

namespace Bard.Data.Tasks;

/// <summary>
/// The embedded task, <c>bard demo</c>'s default: chains of operations modulo m (<c>3 +4 *2 -7 (mod 10)</c>,
/// applied left to right), difficulty = number of operations. Problems, teacher, compressor and verifier are
/// programmatic, so the whole BARD pipeline runs offline. Character-level: every character of
/// <see cref="Alphabet"/> is one student token. See docs/embedded-task.md.
/// </summary>
public sealed class EmbeddedTask : IReasoningTask
{
    /// <summary>The <c>--task</c> name.</summary>
    public const string TaskName = "embedded";

    /// <summary>The <see cref="TeacherTrace.Teacher"/> name of the programmatic teacher.</summary>
    public const string TeacherName = "embedded-teacher/1";

    public EmbeddedTask(EmbeddedTaskOptions options) => Options = options.Validate();

    public EmbeddedTaskOptions Options { get; }

    public string Name => TaskName;

    /// <summary>Every character the task emits, in questions, thinking and answers.</summary>
    public string Alphabet => ChainReasoning.Alphabet;

    /// <summary>The chain behind <paramref name="problem"/>; a <see cref="BardException"/> when its question is not an embedded-task question.</summary>
    public ChainProblem Parse(Problem problem) => ChainProblem.TryParse(problem.Question)
        ?? throw new BardException($"problem '{problem.Id}': question \"{Clip(problem.Question)}\" is not an embedded-task question "
            + "(expected e.g. \"3 +4 *2 -7 (mod 10)\"). Use --task with the task that made it.");

    /// <summary>
    /// The problem a trace of this task's teacher answers, recovered from the teacher's restatement
    /// ("we start with 3 and apply +4 *2 -7 in order, mod 10."), for <c>bard compress</c> without <c>--problems</c>;
    /// null when the trace does not start with one.
    /// </summary>
    public Problem? RecoverProblem(TeacherTrace trace)
    {
        var m = System.Text.RegularExpressions.Regex.Match(trace.Thinking, @"^we start with (\d+) and apply ([^\n]*?) in order, mod (\d+)\.");
        if (!m.Success) return null;
        var chain = ChainProblem.TryParse($"{m.Groups[1].Value} {m.Groups[2].Value} (mod {m.Groups[3].Value})");
        return chain is null ? null : new Problem(trace.ProblemId, chain.Question, chain.Answer.ToString(CultureInfo.InvariantCulture)) { Source = TaskName };
    }

    /// <summary>Draws a chain: k uniform in [MinOperations, MaxOperations], start in [0, m), operands in [1, MaxOperand], operators uniform.</summary>
    public ChainProblem Draw(Random random)
    {
        int k = random.Next(Options.MinOperations, Options.MaxOperations + 1);
        int start = random.Next(0, Options.Modulus);
        var ops = new (ChainOperator, int)[k];
        for (int i = 0; i < k; i++)
            ops[i] = (Options.Operators[random.Next(Options.Operators.Count)], random.Next(1, Options.EffectiveMaxOperand + 1));
        return new ChainProblem(start, ops, Options.Modulus);
    }

    public Problem Generate(int seed, int index)
    {
        var chain = Draw(new Random(StableHash.Combine(seed, index)));
        return new Problem($"embedded-s{seed}-{index}", chain.Question, chain.Answer.ToString(CultureInfo.InvariantCulture)) { Source = TaskName };
    }

    public TeacherTrace Teach(Problem problem)
    {
        var chain = Parse(problem);
        string answer = chain.Answer.ToString(CultureInfo.InvariantCulture);
        return new TeacherTrace(problem.Id, ChainReasoning.Render(chain, ChainReasoning.TeacherPlan(chain)), answer, TeacherName, Verify(problem, answer));
    }

    public IReadOnlyList<BudgetedSample> Compress(Problem problem, TeacherTrace trace, IReadOnlyList<int> budgets, ITokenizer tokenizer)
    {
        var chain = Parse(problem);
        if (!Verify(problem, trace.Answer))
            throw new BardException($"trace for problem '{problem.Id}' answers \"{Clip(trace.Answer)}\", but the correct answer is {chain.Answer}; "
                + "the embedded compressor only rewrites correct traces. Drop incorrect traces first.");
        var compressor = new EmbeddedCompressor(Options, tokenizer);
        string answer = chain.Answer.ToString(CultureInfo.InvariantCulture);
        return compressor.Compress(chain, budgets)
            .Select(r => new BudgetedSample(problem.Id, r.Budget, r.Thinking, answer, r.Tokens, EmbeddedCompressor.Name, r.Accepted))
            .ToArray();
    }

    /// <summary>True when <paramref name="answer"/> (trimmed, an integer) equals the chain's value computed from the question.</summary>
    public bool Verify(Problem problem, string answer) =>
        int.TryParse(answer.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value == Parse(problem).Answer;

    /// <summary>
    /// The scratch student's tokenizer: character level over printable ASCII and newline (a superset of
    /// <see cref="Alphabet"/>, so that the budget line and chat template render too), with single-token
    /// ChatML and &lt;think&gt; delimiters. Saved as a Hugging Face tokenizer.json by <see cref="SaveTokenizer"/>.
    /// </summary>
    public ITokenizer CreateTokenizer() => CharTokenizerBuilder.Build(StudentTokenizer);

    /// <summary>Writes the student tokenizer (tokenizer.json, tokenizer_config.json with the ChatML template) to <paramref name="dir"/>.</summary>
    public void SaveTokenizer(string dir) => CharTokenizerBuilder.Save(StudentTokenizer, dir);

    /// <summary>Options of the scratch student's character tokenizer.</summary>
    public static CharTokenizerOptions StudentTokenizer { get; } = new() { Alphabet = CharTokenizerOptions.PrintableAscii };

    static string Clip(string s) => s.Length > 60 ? s[..60] + "…" : s;
}
