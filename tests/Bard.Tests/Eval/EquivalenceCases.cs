using System.Text.Json;

namespace Bard.Tests.Eval;

/// <summary>The peer test data in Fixtures/equivalence (see Fixtures/README.md for origins and licences).</summary>
public static class EquivalenceCases
{
    public sealed record MathVerifyCase(string Id, string Gold, string Pred, bool ExpectedEqual, int Precision);
    public sealed record QwenPair(string Id, string Gold, string Pred, bool Label);
    public sealed record StringExtractionCase(string Id, string Pred, string? Expected, string Config);

    static IEnumerable<JsonElement> Lines(string file) =>
        File.ReadLines(Fixtures.Path("equivalence", file)).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement);

    public static IReadOnlyList<MathVerifyCase> MathVerify() =>
        Lines("math_verify_cases.jsonl").Select(e => new MathVerifyCase(
            e.GetProperty("id").GetString()!, e.GetProperty("gold").GetString()!, e.GetProperty("pred").GetString()!,
            e.GetProperty("expected_equal").GetBoolean(), e.GetProperty("precision").GetInt32())).ToList();

    public static IReadOnlyList<QwenPair> Qwen() =>
        Lines("qwen25math_math_cot_100.pairs.jsonl").Select(e => new QwenPair(
            e.GetProperty("id").GetString()!, e.GetProperty("gold").GetString()!, e.GetProperty("pred").GetString()!,
            e.GetProperty("qwen25math_math_equal").GetBoolean())).ToList();

    public static IReadOnlyList<StringExtractionCase> StringExtraction() =>
        Lines("math_verify_string_extraction_cases.jsonl").Select(e =>
        {
            var parse = e.GetProperty("expected_parse");
            return new StringExtractionCase(e.GetProperty("id").GetString()!, e.GetProperty("pred").GetString()!,
                parse.GetArrayLength() == 0 ? null : parse[1].GetString(), e.GetProperty("extraction_config").GetString()!);
        }).ToList();
}
