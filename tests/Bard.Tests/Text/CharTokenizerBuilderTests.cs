using System.Text.Json;
using Bard.Text;

namespace Bard.Tests.Text;

public class CharTokenizerBuilderTests
{
    static readonly CharTokenizerOptions Options = new() { Alphabet = CharTokenizerOptions.PrintableAscii + "→é😀" };

    [Fact]
    public void Build_IdsAreSpecialsThenAddedThenAlphabet()
    {
        var tok = CharTokenizerBuilder.Build(Options);
        Assert.Equal(0, tok.TokenToId("<pad>"));
        Assert.Equal(1, tok.TokenToId("<unk>"));
        Assert.Equal(4, tok.TokenToId("<|im_end|>"));
        Assert.Equal(5, tok.TokenToId("<think>"));
        Assert.Equal(6, tok.TokenToId("</think>"));
        Assert.Equal(7, tok.TokenToId("\n"));
        Assert.Equal(8, tok.TokenToId(" "));
        Assert.Equal(7 + 96 + 3, tok.VocabSize);
    }

    [Fact]
    public void Encode_OneTokenPerCharacter_AddedTokensWhole_UnknownToUnk()
    {
        var tok = CharTokenizerBuilder.Build(Options);
        int[] ids = tok.Encode("<think>\n1+1</think>2😀");
        Assert.Equal([5, 7, tok.TokenToId("1")!.Value, tok.TokenToId("+")!.Value, tok.TokenToId("1")!.Value, 6, tok.TokenToId("2")!.Value, tok.TokenToId("😀")!.Value], ids);
        Assert.Equal("<think>\n1+1</think>2😀", tok.Decode(ids));
        Assert.Equal([1], tok.Encode("ж"));
        Assert.Equal(3, BudgetPromptFormat.Default.CountThinkingTokens(ids, tok)); // "1+1" (the layout newline does not count)
    }

    [Fact]
    public void Decode_SkipSpecialTokens_KeepsThinkTags()
    {
        var tok = CharTokenizerBuilder.Build(Options);
        var ids = tok.Encode("<|im_start|>assistant\n<think>x</think>y<|im_end|><pad><pad>");
        Assert.Equal("assistant\n<think>x</think>y", tok.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void Save_WritesHfShapeAndLoadsBackIdentically()
    {
        using var temp = new TempDir();
        string dir = temp.Path;
        {
            var saved = CharTokenizerBuilder.Save(Options, dir);
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "tokenizer.json")));
            var model = doc.RootElement.GetProperty("model");
            Assert.Equal("BPE", model.GetProperty("type").GetString());
            Assert.Equal(0, model.GetProperty("merges").GetArrayLength());
            Assert.Equal("<unk>", model.GetProperty("unk_token").GetString());
            Assert.Equal("Fuse", doc.RootElement.GetProperty("decoder").GetProperty("type").GetString());
            Assert.Equal(7, doc.RootElement.GetProperty("added_tokens").GetArrayLength());

            Assert.Equal("<|im_end|>", saved.Config!.EosToken);
            Assert.Equal("<pad>", saved.Config.PadToken);
            string text = "Q: 2+3?\n<think>\n5\n</think>\n\nA: 5 → é";
            Assert.Equal(CharTokenizerBuilder.Build(Options).Encode(text), saved.Encode(text));
            Assert.Equal(text, saved.Decode(saved.Encode(text)));

            // The written chat template renders ChatML with a think block.
            string chat = ChatTemplate.FromConfig(saved.Config).Render([ChatMessage.User("2+3?")], new ChatRenderOptions { AddGenerationPrompt = true, EnableThinking = false });
            Assert.Equal("<|im_start|>user\n2+3?<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n", chat);
            Assert.Equal(chat, saved.Decode(saved.Encode(chat)));
        }
    }

    [Fact]
    public void Validate_BadOptions_NameTheField()
    {
        Assert.Contains("EosToken", Assert.Throws<BardException>(() => CharTokenizerBuilder.Build(Options with { EosToken = "<eos>" })).Message);
        Assert.Contains("Alphabet", Assert.Throws<BardException>(() => CharTokenizerBuilder.Build(Options with { Alphabet = "" })).Message);
        Assert.Contains("listed twice", Assert.Throws<BardException>(() => CharTokenizerBuilder.Build(Options with { AddedTokens = ["<pad>"] })).Message);
    }
}
