using System.Globalization;
using System.Text.RegularExpressions;
using Bard.Data;

namespace Bard.Eval;

/// <summary>
/// Reads benchmark files into <see cref="Problem"/>s with their gold answers normalised for the verifiers:
/// GSM8K's gold is the text after the last <c>####</c> with thousands separators removed; AIME answers lose
/// their zero padding (<c>025</c> → <c>25</c>); GPQA's gold is the letter of the correct option
/// (see <see cref="GpqaCsv"/>). It loads; it does not check answers.
/// </summary>
public static partial class BenchmarkLoader
{
    /// <summary>Loads the benchmark that <paramref name="options"/> names, from its file.</summary>
    public static BenchmarkSet Load(BenchmarkLoadOptions options)
    {
        if (options.Limit is < 1) throw new BardException($"--limit: must be at least 1, got {options.Limit}.");
        string file = ResolveFile(options);
        var set = options.Benchmark switch
        {
            Benchmark.Gsm8k => Gsm8k(file),
            Benchmark.Math500 => Math500(file),
            Benchmark.Aime24 => Aime(file, Benchmark.Aime24),
            Benchmark.Aime25 => Aime(file, Benchmark.Aime25),
            Benchmark.Gpqa => GpqaCsv.Load(file, options.ShuffleSeed),
            Benchmark.Jsonl => Jsonl(file, options.Fields),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Benchmark, null),
        };
        if (set.Problems.Count == 0) throw new BardException($"{file}: no problems in the file.");
        return options.Limit is { } n && n < set.Problems.Count ? set with { Problems = set.Problems.Take(n).ToArray() } : set;
    }

    /// <summary>The file <paramref name="options"/> points at: <see cref="BenchmarkLoadOptions.File"/>, else the benchmark's default file in the data folder.</summary>
    public static string ResolveFile(BenchmarkLoadOptions options)
    {
        if (options.File is { } f) return Path.GetFullPath(f);
        string? rel = Benchmarks.DefaultRelativePath(options.Benchmark)
            ?? throw new BardException("--benchmark jsonl needs --file PATH (and --question-field/--answer-field/--id-field when the fields are not question/answer/id).");
        string dir = BenchmarkDataDirectory.Resolve(options.DataDirectory);
        string path = Path.Combine(dir, rel);
        if (!System.IO.File.Exists(path))
        {
            string hint = options.Benchmark == Benchmark.Gpqa
                ? "GPQA is not shipped (its authors ask that items not be published): download gpqa_diamond.csv from the gated Hugging Face dataset Idavidrein/gpqa and put it there, or pass --file."
                : "Pass --data DIR with the folder that holds it, or --file PATH.";
            throw new BardException($"{path}: benchmark file not found. {hint}");
        }
        return path;
    }

    /// <summary>GSM8K's gold from its solution text: after the last <c>####</c>, trimmed, commas removed (<c>#### 2,125</c> → <c>2125</c>).</summary>
    public static string Gsm8kGold(string solution, string location)
    {
        int at = solution.LastIndexOf("####", StringComparison.Ordinal);
        if (at < 0) throw new BardException($"{location}: field 'answer' has no '####' line; a GSM8K answer ends with '#### <number>'. Use --benchmark jsonl for another format.");
        string gold = solution[(at + 4)..].Trim().Replace(",", "");
        if (gold.Length == 0) throw new BardException($"{location}: field 'answer' has nothing after '####'.");
        return gold;
    }

    /// <summary>An AIME answer without zero padding (<c>025</c> → <c>25</c>, <c>000</c> → <c>0</c>); other text unchanged.</summary>
    public static string UnpadInteger(string answer)
    {
        string a = answer.Trim();
        return a.Length > 0 && a.All(char.IsAsciiDigit) ? a.TrimStart('0') is { Length: > 0 } t ? t : "0" : a;
    }

    static BenchmarkSet Gsm8k(string file)
    {
        int index = 0;
        var problems = JsonlReader.Read(file, r => new Problem(
            r.OptionalString("id") ?? $"gsm8k-test-{index++:D4}",
            r.RequiredString("question"),
            Gsm8kGold(r.RequiredString("answer"), r.Location)) { Source = "gsm8k" }).Records;
        return new BenchmarkSet(Benchmark.Gsm8k, "gsm8k", AnswerKind.Math, file, problems);
    }

    static BenchmarkSet Math500(string file)
    {
        var difficulty = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = JsonlReader.Read(file, r =>
        {
            var p = new Problem(r.RequiredString("unique_id"), r.RequiredString("problem"), r.RequiredString("answer")) { Source = "math500" };
            if (r.OptionalInt("level") is { } level) difficulty[p.Id] = $"level {level}";
            return p;
        }).Records;
        return new BenchmarkSet(Benchmark.Math500, "math500", AnswerKind.Math, file, problems) { Difficulty = difficulty };
    }

    /// <summary>
    /// AIME from the Qwen2.5-Math file (int <c>id</c>, <c>problem</c>, <c>answer</c>, AoPS <c>url</c>) or the normalised
    /// file (string <c>id</c> such as <c>2025-I-1</c>). Ids become <c>YEAR-I-N</c> / <c>YEAR-II-N</c> when the url tells them.
    /// </summary>
    static BenchmarkSet Aime(string file, Benchmark benchmark)
    {
        string name = Benchmarks.Name(benchmark);
        var problems = JsonlReader.Read(file, r =>
        {
            string id = r.OptionalString("url") is { } url && AopsUrl().Match(url) is { Success: true } m
                ? $"{m.Groups[1].Value}-{m.Groups[2].Value}-{m.Groups[3].Value}"
                : r.OptionalString("id") is { } raw ? (raw.All(char.IsAsciiDigit) ? $"{name}-{raw}" : raw) : $"{name}-{r.Line}";
            string question = r.OptionalString("problem") ?? r.RequiredString("question");
            return new Problem(id, question, UnpadInteger(r.RequiredString("answer"))) { Source = name };
        }).Records;
        return new BenchmarkSet(benchmark, name, AnswerKind.Math, file, problems);
    }

    static BenchmarkSet Jsonl(string file, JsonlFieldMapping fields)
    {
        string stem = Path.GetFileNameWithoutExtension(file);
        var problems = JsonlReader.Read(file, r => new Problem(
            r.OptionalString(fields.IdField) ?? $"{stem}-{r.Line.ToString(CultureInfo.InvariantCulture)}",
            r.RequiredString(fields.QuestionField),
            r.RequiredString(fields.AnswerField))
        {
            Choices = fields.ChoicesField is { } c ? r.OptionalStringList(c) : null,
            Source = stem,
        }).Records;
        var dup = problems.GroupBy(p => p.Id).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
            throw new BardException($"{file}: id '{dup.Key}' appears {dup.Count()} times in field '{fields.IdField}'. Ids must be unique; pass --id-field with a unique field.");
        return new BenchmarkSet(Benchmark.Jsonl, stem, fields.AnswerKind, file, problems);
    }

    [GeneratedRegex(@"(\d{4})_AIME_(I{1,2})_Problems/Problem_(\d+)")]
    private static partial Regex AopsUrl();
}
