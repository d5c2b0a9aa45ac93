using System.Text.Json;
using Bard.Cli;
using Bard.Model;

namespace Bard.Tests.Cli;

public class ModelCommandsTests
{
    static (int Code, string Out, string Err) Run(params string[] args) => CliRun.Run(args);

    [Fact]
    public void Score_FixtureRow_PrintsTransformersLogProbs()
    {
        using var reference = SafeTensorsFile.Open(Path.Combine(Fixtures.Hf("tiny-llama"), "reference.safetensors"));
        var ids = TensorAssert.Longs(reference.Load("input_ids")[0]);
        var expected = reference.Load("token_logprobs")[0].data<float>().ToArray();
        var (code, stdout, stderr) = Run("score", "--model", Fixtures.Hf("tiny-llama"), "--ids", string.Join(",", ids));
        Assert.True(code == 0, stderr);
        var got = JsonDocument.Parse(stdout).RootElement.GetProperty("token_logprobs").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        Assert.Equal(ids.Length - 1, got.Length);
        for (int t = 0; t < got.Length; t++) Assert.True(Math.Abs(expected[t] - got[t]) < 1e-4, $"position {t}: {expected[t]} vs {got[t]}");
    }

    [Fact]
    public void Generate_Greedy_PrintsTransformersContinuation()
    {
        using var reference = SafeTensorsFile.Open(Path.Combine(Fixtures.Hf("tiny-qwen2"), "reference.safetensors"));
        var prompt = TensorAssert.Longs(reference.Load("greedy.prompt")[1]);
        var expected = TensorAssert.Longs(reference.Load("greedy.output")[1]);
        var (code, stdout, stderr) = Run("generate", "--model", Fixtures.Hf("tiny-qwen2"), "--ids", string.Join(",", prompt),
            "--max-new-tokens", expected.Length.ToString(), "--temperature", "0", "--stop-ids", "none", "--json");
        Assert.True(code == 0, stderr);
        var got = JsonDocument.Parse(stdout).RootElement.GetProperty("ids").EnumerateArray().Select(x => x.GetInt64()).ToArray();
        Assert.Equal(expected, got);
    }

    [Fact]
    public void Generate_MaxNewTokensBeyondTheContext_IsAUsageErrorNamingTheLimit()
    {
        // The probe's --max-new-tokens 1000000000: a cache of a billion positions, refused before it is allocated.
        var (code, _, stderr) = Run("generate", "--model", Fixtures.Hf("tiny-qwen3"), "--ids", "1,2,3", "--max-new-tokens", "1000000000");
        Assert.NotEqual(0, code);
        Assert.Contains("context", stderr);
        Assert.Contains("--max-new-tokens", stderr);
    }

    /// <summary>tiny-llama with a final norm weight of 3e38: every weight finite, the logits overflow to ±Inf and NaN.</summary>
    static TempDir OverflowingModel() => Fixtures.CheckpointWith("tiny-llama", "model.norm.weight", w => TorchSharp.torch.full(w.shape, 3e38f));

    [Fact]
    public void Score_LogitsOverflow_IsAnErrorSayingTheyAreNotFinite_NotAnInternalError()
    {
        using var model = OverflowingModel();
        var (code, stdout, stderr) = Run("score", "--model", model.Path, "--ids", "1,5,9,12");
        Assert.True(code == 1, $"exit {code}: {stderr}");
        Assert.Equal("", stdout);
        Assert.StartsWith("bard score: error: the log-probabilities of 3 of 3 positions are not finite (NaN or ±Inf; the first at --ids index 1, 2, 3)", stderr);
        Assert.Contains("--dtype float32", stderr);
    }

    [Fact]
    public void Generate_LogitsOverflow_IsAnErrorNamingTheDecodingStep()
    {
        using var model = OverflowingModel();
        var (code, _, stderr) = Run("generate", "--model", model.Path, "--ids", "1,5,9", "--max-new-tokens", "4", "--temperature", "0", "--stop-ids", "none");
        Assert.True(code == 1, $"exit {code}: {stderr}");
        Assert.StartsWith("bard generate: error: decoding step 1: the logits are not finite", stderr);
    }

    [Theory]
    [InlineData("score")]
    [InlineData("generate")]
    [InlineData("demo")]
    public void Help_EveryOptionWithDefault(string command)
    {
        var (code, stdout, _) = Run(command, "--help");
        Assert.Equal(0, code);
        var spec = Program.Commands.Single(c => c.Name == command);
        foreach (var o in spec.Options)
        {
            Assert.Contains(o.Name, stdout);
            if (o.Default is not null) Assert.Contains($"(default: {o.Default})", stdout);
        }
    }

    [Fact]
    public void RootHelp_ListsEveryCommand()
    {
        var (code, stdout, _) = Run("--help");
        Assert.Equal(0, code);
        foreach (var c in Program.Commands) Assert.Contains(c.Name, stdout);
    }

    [Theory]
    [InlineData(2, "score", "--model")]                                  // missing value
    [InlineData(2, "score", "--ids", "1,2")]                             // missing --model
    [InlineData(2, "score", "--model", "x", "--ids", "1,a")]             // bad integer list
    [InlineData(2, "score", "--bogus", "1")]                             // unknown option
    [InlineData(2, "frobnicate")]                                        // unknown command
    [InlineData(1, "score", "--model", "/nonexistent/model", "--ids", "1,2")] // not a checkpoint
    public void BadInput_ErrorOnStderrAndNonZeroExit(int expectedCode, params string[] args)
    {
        var (code, stdout, stderr) = Run(args);
        Assert.Equal(expectedCode, code);
        Assert.Equal("", stdout);
        Assert.NotEqual("", stderr.Trim());
    }

    [Fact]
    public void Score_IdOutsideVocabulary_NamesTheId()
    {
        var (code, _, stderr) = Run("score", "--model", Fixtures.Hf("tiny-qwen3"), "--ids", "1,5000");
        Assert.Equal(2, code);
        Assert.Contains("5000", stderr);
    }
}
