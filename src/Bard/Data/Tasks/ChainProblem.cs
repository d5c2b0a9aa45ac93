using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Bard.Data.Tasks;

/// <summary>
/// A parsed embedded-task question: a start value and operations applied left to right modulo m, written
/// <c>3 +4 *2 -7 (mod 10)</c>. Knows how to solve itself; knows nothing about reasoning text.
/// </summary>
public sealed partial record ChainProblem
{
    /// <summary>Builds a chain and computes its steps.</summary>
    public ChainProblem(int start, IReadOnlyList<(ChainOperator Operator, int Operand)> operations, int modulus)
    {
        if (modulus < 2) throw new ArgumentOutOfRangeException(nameof(modulus));
        if (start < 0 || start >= modulus) throw new ArgumentOutOfRangeException(nameof(start));
        Start = start;
        Modulus = modulus;
        var steps = new List<ChainStep>(operations.Count);
        int x = start;
        foreach (var (op, a) in operations)
        {
            int raw = op switch
            {
                ChainOperator.Add => x + a,
                ChainOperator.Subtract => x - a,
                ChainOperator.Multiply => x * a,
                _ => throw new ArgumentOutOfRangeException(nameof(operations)),
            };
            int y = ((raw % modulus) + modulus) % modulus;
            steps.Add(new ChainStep(steps.Count + 1, x, op, a, raw, y));
            x = y;
        }
        Steps = steps;
    }

    public int Start { get; }
    public int Modulus { get; }
    public IReadOnlyList<ChainStep> Steps { get; }

    /// <summary>The difficulty k: number of operations.</summary>
    public int Difficulty => Steps.Count;

    /// <summary>The final value, the gold answer.</summary>
    public int Answer => Steps.Count == 0 ? Start : Steps[^1].Output;

    /// <summary>The question text, e.g. <c>3 +4 *2 -7 (mod 10)</c>.</summary>
    public string Question
    {
        get
        {
            var sb = new StringBuilder();
            sb.Append(Start.ToString(CultureInfo.InvariantCulture));
            foreach (var s in Steps) sb.Append(' ').Append(s.Symbol).Append(s.Operand.ToString(CultureInfo.InvariantCulture));
            sb.Append(" (mod ").Append(Modulus.ToString(CultureInfo.InvariantCulture)).Append(')');
            return sb.ToString();
        }
    }

    /// <summary>Parses a question written as <see cref="Question"/> writes it; null when it is not one.</summary>
    public static ChainProblem? TryParse(string question)
    {
        var m = QuestionPattern().Match(question);
        if (!m.Success) return null;
        int modulus = int.Parse(m.Groups["mod"].Value, CultureInfo.InvariantCulture);
        int start = int.Parse(m.Groups["start"].Value, CultureInfo.InvariantCulture);
        if (modulus < 2 || start >= modulus) return null;
        var ops = new List<(ChainOperator, int)>();
        foreach (Capture c in m.Groups["op"].Captures)
        {
            var op = c.Value[0] switch { '+' => ChainOperator.Add, '-' => ChainOperator.Subtract, _ => ChainOperator.Multiply };
            ops.Add((op, int.Parse(c.Value[1..], CultureInfo.InvariantCulture)));
        }
        return new ChainProblem(start, ops, modulus);
    }

    [GeneratedRegex(@"^(?<start>\d{1,4})(?: (?<op>[+\-*]\d{1,4}))+ \(mod (?<mod>\d{1,4})\)$", RegexOptions.CultureInvariant)]
    private static partial Regex QuestionPattern();
}
