using Bard.Data;

namespace Bard.Eval;

/// <summary>
/// GPQA from its official CSV (columns <c>Record ID</c>, <c>Question</c>, <c>Correct Answer</c>,
/// <c>Incorrect Answer 1..3</c>; optional <c>Writer's Difficulty Estimate</c>). Each record's four options are
/// shuffled with a seed combined with its Record ID — so the order depends on the seed and the record only,
/// not on the row's position — and the question is rendered with lettered options; the gold is the letter of
/// the correct option. No GPQA item is shipped with Bard.
/// </summary>
public static class GpqaCsv
{
    /// <summary>The option letters, in order.</summary>
    public static readonly string Letters = "ABCD";

    /// <summary>Reads the CSV and builds one multiple-choice problem per row.</summary>
    public static BenchmarkSet Load(string path, int seed)
    {
        var table = CsvTable.Read(path);
        int id = table.Column("Record ID"), question = table.Column("Question"), correct = table.Column("Correct Answer");
        int[] wrong = [table.Column("Incorrect Answer 1"), table.Column("Incorrect Answer 2"), table.Column("Incorrect Answer 3")];
        int? difficultyCol = table.HasColumn("Writer's Difficulty Estimate") ? table.Column("Writer's Difficulty Estimate") : null;
        var problems = new List<Problem>();
        var difficulty = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            string recordId = Required(row, id, "Record ID", path);
            string[] options = [Required(row, correct, "Correct Answer", path), .. wrong.Select((w, k) => Required(row, w, $"Incorrect Answer {k + 1}", path))];
            int[] order = ShuffleOrder(seed, recordId);
            string[] shuffled = order.Select(k => options[k]).ToArray();
            string gold = Letters[Array.IndexOf(order, 0)].ToString();
            problems.Add(new Problem(recordId, Render(Required(row, question, "Question", path), shuffled), gold)
            {
                Choices = shuffled,
                Source = "gpqa",
            });
            if (difficultyCol is { } d && row.Fields[d].Trim() is { Length: > 0 } label) difficulty[recordId] = label;
        }
        return new BenchmarkSet(Benchmark.Gpqa, "gpqa", AnswerKind.Choice, path, problems) { Difficulty = difficulty };
    }

    /// <summary>
    /// The option order for one record: <c>order[i]</c> is the index (0 = correct, 1..3 = incorrect 1..3) of the option
    /// shown at letter i. A Fisher–Yates shuffle seeded by <paramref name="seed"/> and <paramref name="recordId"/>.
    /// </summary>
    public static int[] ShuffleOrder(int seed, string recordId)
    {
        var rng = new Random(StableHash.Combine(seed, recordId));
        int[] order = [0, 1, 2, 3];
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>The question followed by its options as <c>A) …</c> lines — what the student sees.</summary>
    public static string Render(string question, IReadOnlyList<string> options) =>
        question.Trim() + "\n\n" + string.Join("\n", options.Select((o, i) => $"{Letters[i]}) {o.Trim()}"));

    static string Required(CsvRow row, int col, string name, string path)
    {
        string v = row.Fields[col];
        if (string.IsNullOrWhiteSpace(v)) throw new BardException($"{path}:{row.Line}: column '{name}' is empty. Every GPQA row needs it; fix or remove the row.");
        return v;
    }
}
