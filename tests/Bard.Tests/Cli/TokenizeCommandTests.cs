using System.Text.Json;
using Bard.Tests.Text;

namespace Bard.Tests.Cli;

public class TokenizeCommandTests
{
    static (int Code, string Out, string Err) Run(params string[] args) => CliRun.Run(args);

    [Fact]
    public void Text_Json_PrintsGoldenIds()
    {
        var (code, output, err) = Run("tokenize", "--tokenizer", Qwen3Fixture.Dir, "--text", "<think>\nLet me think step by step.\n</think>\n\nFinal answer: 42", "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal([151667, 198, 10061, 752, 1744, 3019, 553, 3019, 624, 151668, 271, 19357, 4226, 25, 220, 19, 17],
            Qwen3Fixture.Ints(doc.RootElement.GetProperty("ids")));
    }

    [Theory]
    [InlineData("generation_prompt_enable_thinking_false", "false")]
    [InlineData("generation_prompt_enable_thinking_true", "true")]
    public void Messages_Json_PrintsGoldenTextAndIds(string key, string thinking)
    {
        var golden = Qwen3Fixture.Golden.GetProperty("chat_template");
        using var temp = new TempDir();
        string file = temp.File("messages.json");
        File.WriteAllText(file, JsonSerializer.Serialize(golden.GetProperty("messages").EnumerateArray().Take(2).ToArray()));
        {
            var (code, output, err) = Run("tokenize", "--tokenizer", Qwen3Fixture.Dir, "--messages", file, "--add-generation-prompt", "--enable-thinking", thinking, "--json");
            Assert.True(code == 0, err);
            using var doc = JsonDocument.Parse(output);
            Assert.Equal(golden.GetProperty(key).GetProperty("text").GetString(), doc.RootElement.GetProperty("text").GetString());
            Assert.Equal(Qwen3Fixture.Ints(golden.GetProperty(key).GetProperty("ids")), Qwen3Fixture.Ints(doc.RootElement.GetProperty("ids")));
        }
    }

    [Fact]
    public void BothTextAndMessages_IsAUsageError()
    {
        var (code, _, err) = Run("tokenize", "--tokenizer", Qwen3Fixture.Dir, "--text", "a", "--messages", "m.json");
        Assert.Equal(2, code);
        Assert.Contains("exactly one", err);
    }

    [Fact]
    public void MissingTokenizer_IsAnErrorNamingTheFile()
    {
        var (code, _, err) = Run("tokenize", "--tokenizer", "/nonexistent/dir", "--text", "a");
        Assert.Equal(1, code);
        Assert.Contains("/nonexistent/dir", err);
    }

    [Fact]
    public void Gemma3_TextWithSpecialTokens_AndMessages_AreTokenizersOwn()
    {
        // The ids of "Hello, my dog is cute" with and without BOS, from Fixtures/hf/tokenizer-golden/gemma3.jsonl.
        string dir = TokenizerFamiliesTests.Unpack("gemma3");
        var (code, output, err) = Run("tokenize", "--tokenizer", dir, "--text", "Hello, my dog is cute", "--add-special-tokens");
        Assert.True(code == 0, err);
        Assert.Equal("2 9259 236764 1041 4799 563 12864", output.Trim());
        (code, output, err) = Run("tokenize", "--tokenizer", dir, "--text", "Hello, my dog is cute");
        Assert.Equal("9259 236764 1041 4799 563 12864", output.Trim());

        using var temp = new TempDir();
        string file = temp.File("messages.json");
        File.WriteAllText(file, """[{"role": "user", "content": "What is 17 * 23?"}]""");
        (code, output, err) = Run("tokenize", "--tokenizer", dir, "--messages", file, "--add-generation-prompt", "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("<bos><start_of_turn>user\nWhat is 17 * 23?<end_of_turn>\n<start_of_turn>model\n", doc.RootElement.GetProperty("text").GetString());
        Assert.Equal(2, doc.RootElement.GetProperty("ids")[0].GetInt32()); // <bos> written by the template is the added token
        (code, _, err) = Run("tokenize", "--tokenizer", dir, "--messages", file, "--add-special-tokens");
        Assert.Equal(2, code);
        Assert.Contains("--text only", err);
    }
}
