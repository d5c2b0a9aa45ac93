using System.Text.Json;
using Bard.Text;

namespace Bard.Tests.Text;

/// <summary>The Qwen3 tokenizer and its golden files, loaded once for all Text tests.</summary>
internal static class Qwen3Fixture
{
    /// <summary>
    /// A folder with the Qwen3 tokenizer.json (stored gzipped in the repository: 2 MB instead of 11) and its
    /// tokenizer_config.json, unpacked once into a folder that later runs reuse (<see cref="TokenizerFamiliesTests.Unpack"/>).
    /// </summary>
    public static string Dir => dir.Value;

    static readonly Lazy<string> dir = new(() => TokenizerFamiliesTests.Unpack("qwen3"));
    public static string GoldenDir => Fixtures.Hf("tokenizer-qwen3");

    static readonly Lazy<HfTokenizer> tokenizer = new(() => HfTokenizer.Load(Dir));
    public static HfTokenizer Tokenizer => tokenizer.Value;

    static readonly Lazy<JsonElement> golden = new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(GoldenDir, "golden.json"))).RootElement);
    public static JsonElement Golden => golden.Value;

    public static IEnumerable<JsonElement> GoldenEncodings() =>
        File.ReadLines(Path.Combine(GoldenDir, "golden_encodings.jsonl")).Where(l => l.Trim().Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement);

    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();
}
