namespace Bard.Tests;

/// <summary>Paths of the fixtures copied next to the test assembly, and temporary folders that clean up.</summary>
public static class Fixtures
{
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    public static string Hf(string name) => Path("hf", name);

    public static readonly string[] HfModels = ["tiny-qwen3", "tiny-qwen2", "tiny-llama"];

    /// <summary>
    /// A copy of fixture checkpoint <paramref name="model"/> (config.json and one model.safetensors, float32) in a new
    /// <see cref="TempDir"/>, with <paramref name="edit"/> applied to the tensor <paramref name="tensor"/> (it returns the
    /// new value, or edits the one it gets in place and returns it).
    /// </summary>
    public static TempDir CheckpointWith(string model, string tensor, Func<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> edit)
    {
        var tmp = new TempDir();
        string src = Hf(model);
        System.IO.File.Copy(System.IO.Path.Combine(src, "config.json"), tmp.File("config.json"));
        using var tensors = Bard.Model.CheckpointTensors.Open(src);
        using var scope = TorchSharp.torch.NewDisposeScope();
        var list = tensors.Names.Select(n =>
        {
            var t = tensors.Load(n, TorchSharp.torch.ScalarType.Float32);
            return new KeyValuePair<string, TorchSharp.torch.Tensor>(n, n == tensor ? edit(t) : t);
        }).ToList();
        if (!list.Any(kv => kv.Key == tensor)) throw new ArgumentException($"{model} has no tensor '{tensor}'", nameof(tensor));
        Bard.Model.SafeTensorsWriter.WriteCheckpoint(tmp.Path, list);
        return tmp;
    }
}

/// <summary>A fresh folder under the system temp dir, deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bard-test-" + Guid.NewGuid().ToString("N")[..12]);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
