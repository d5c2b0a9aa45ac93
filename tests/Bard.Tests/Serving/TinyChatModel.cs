using Bard.Data.Tasks;
using Bard.Model;
using Bard.Serving;
using Bard.Text;

namespace Bard.Tests.Serving;

/// <summary>
/// A complete tiny checkpoint for protocol tests: the embedded task's character tokenizer (single-token &lt;think&gt;,
/// &lt;/think&gt;, ChatML) and a random-init "micro" model of matching vocabulary, saved once per test class in a temp folder.
/// Its text is random; the tests check the protocol, not the words.
/// </summary>
public sealed class TinyChatModel : IDisposable
{
    readonly TempDir dir = new();

    public TinyChatModel()
    {
        var task = new EmbeddedTask(new EmbeddedTaskOptions());
        string tok = System.IO.Path.Combine(dir.Path, "tok");
        task.SaveTokenizer(tok);
        var tokenizer = task.CreateTokenizer();
        using var model = new CausalLM(ModelPresets.Create("micro", tokenizer.VocabSize, maxPositions: 4096));
        ModelInit.Initialize(model, seed: 2, std: 0.5); // std 0.5: varied characters (at 0.02 greedy repeats one token)
        Checkpoint.Save(model, Path, tokenizerDir: tok);
    }

    /// <summary>The checkpoint folder (config.json, model.safetensors, tokenizer files).</summary>
    public string Path => System.IO.Path.Combine(dir.Path, "model");

    /// <summary>A batcher over a freshly loaded copy of the checkpoint.</summary>
    public ChatBatcher Batcher(ServeOptions options, TimeProvider? time = null)
    {
        var model = Checkpoint.Load(Path);
        var tokenizer = HfTokenizer.Load(Path);
        var config = TokenizerConfig.Load(Path);
        return new ChatBatcher(model, tokenizer, ChatTemplate.FromConfig(config), config, options, time: time);
    }

    /// <summary>A started server on a free loopback port; <paramref name="time"/> is the clock of its batch window and timeouts.</summary>
    public Task<ChatServer> StartAsync(ServeOptions? options = null, TimeProvider? time = null)
    {
        var o = options ?? new ServeOptions { ModelName = "tiny", Port = 0 };
        return ChatServer.StartAsync(Batcher(o, time), o, time);
    }

    public void Dispose() => dir.Dispose();
}
