using Bard.Inference;
using Bard.Model;
using static TorchSharp.torch;

namespace Bard.Tests.Model;

/// <summary>
/// The decoder against Hugging Face transformers: fixtures computed by transformers 5.17 in float32 with
/// eager attention from the same weights (see each fixture folder's README.md).
/// </summary>
public class CausalLMParityTests
{
    public static TheoryData<string> Models => new(Fixtures.HfModels);

    static (CausalLM Model, SafeTensorsFile Reference) Load(string name) =>
        (Checkpoint.Load(Fixtures.Hf(name)), SafeTensorsFile.Open(Path.Combine(Fixtures.Hf(name), "reference.safetensors")));

    [Theory, MemberData(nameof(Models))]
    public void Forward_FixtureIds_LogitsMatchTransformers(string name)
    {
        var (model, reference) = Load(name);
        using var _m = model; using var _r = reference;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = reference.Load("input_ids");
        TensorAssert.Close(reference.Load("logits"), model.Forward(ids), 1e-4, $"{name} logits");
        TensorAssert.Close(reference.Load("token_logprobs"), model.TokenLogProbs(ids), 1e-4, $"{name} token log-probs");
    }

    [Theory, MemberData(nameof(Models))]
    public void Forward_FixtureIds_EveryHiddenStateMatchesTransformers(string name)
    {
        var (model, reference) = Load(name);
        using var _m = model; using var _r = reference;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var hidden = new List<Tensor>();
        model.Forward(reference.Load("input_ids"), hiddenStates: hidden);
        Assert.Equal(model.Config.NumLayers + 1, hidden.Count);
        for (int i = 0; i < hidden.Count; i++)
            TensorAssert.Close(reference.Load($"hidden_states.{i}"), hidden[i], 1e-4, $"{name} hidden_states.{i}");
        hidden.ForEach(h => h.Dispose());
    }

    [Theory, MemberData(nameof(Models))]
    public void Forward_LeftPaddedBatch_LastLogitsAndPositionsMatchTransformers(string name)
    {
        var (model, reference) = Load(name);
        using var _m = model; using var _r = reference;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = reference.Load("padded.input_ids");
        var mask = reference.Load("padded.attention_mask");
        TensorAssert.Equal(reference.Load("padded.position_ids"), CausalLM.PositionsFromMask(mask), $"{name} position ids");
        var logits = model.Forward(ids, mask);
        var last = logits.narrow(1, logits.shape[1] - 1, 1).squeeze(1);
        TensorAssert.Close(reference.Load("padded.last_logits"), last, 1e-4, $"{name} padded last logits");
    }

    [Theory, MemberData(nameof(Models))]
    public void Generate_Greedy_SameTokensAsTransformers(string name)
    {
        var (model, reference) = Load(name);
        using var _m = model; using var _r = reference;
        var prompt = reference.Load("greedy.prompt");
        var expected = reference.Load("greedy.output");
        long newTokens = expected.shape[1];
        var prompts = Enumerable.Range(0, (int)prompt.shape[0])
            .Select(b => (IReadOnlyList<int>)TensorAssert.Longs(prompt[b]).Select(x => (int)x).ToArray()).ToList();
        var result = new TokenGenerator(model).Generate(prompts, new GenerationOptions { MaxNewTokens = (int)newTokens });
        for (int b = 0; b < prompts.Count; b++)
            Assert.Equal(TensorAssert.Longs(expected[b]), result[b].Tokens.Select(x => (long)x).ToArray());
    }
}
