using Bard.Eval;

namespace Bard.Tests.Eval;

public class EvalSamplesFileTests
{
    [Fact]
    public void AppendThenRead_RoundTripsIncludingNullBudgetAndAnswer()
    {
        using var dir = new TempDir();
        string path = dir.File("samples.jsonl");
        var samples = EvalSummaryJsonTests.Samples();
        Assert.Equal(samples.Count, EvalSamplesFile.Append(path, samples));
        Assert.Equal(samples, EvalSamplesFile.Read(path));
    }

    [Fact]
    public void Append_Twice_SkipsSamplesAlreadyThere()
    {
        using var dir = new TempDir();
        string path = dir.File("samples.jsonl");
        var samples = EvalSummaryJsonTests.Samples();
        EvalSamplesFile.Append(path, samples.Take(3));
        var extra = samples[0] with { SampleIndex = 1 };
        Assert.Equal(samples.Count - 3 + 1, EvalSamplesFile.Append(path, samples.Append(extra)));
        Assert.Equal(samples.Count + 1, EvalSamplesFile.Read(path).Count);
    }

    [Fact]
    public void Read_NegativeThinkingTokens_NamesFileLineAndField()
    {
        using var dir = new TempDir();
        string path = dir.File("samples.jsonl");
        File.WriteAllText(path, """{"method":"bard","budget":64,"problem_id":"p","correct":true,"thinking_tokens":-1,"closed_thinking":true,"answer_tokens":1,"truncated":false}""" + "\n");
        var e = Assert.Throws<BardException>(() => EvalSamplesFile.Read(path));
        Assert.Contains("samples.jsonl:1", e.Message);
        Assert.Contains("thinking_tokens", e.Message);
    }
}
