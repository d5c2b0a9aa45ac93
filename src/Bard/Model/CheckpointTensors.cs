using System.Text.Json;
using TorchSharp;

namespace Bard.Model;

/// <summary>
/// The tensors of a Hugging Face checkpoint folder, whether saved as one <c>model.safetensors</c> or sharded as
/// <c>model-0000i-of-0000N.safetensors</c> with a <c>model.safetensors.index.json</c> whose <c>weight_map</c> names
/// each tensor's shard. Opening validates every shard header and the index against the shards; tensors are read
/// on demand. Knows nothing about models: matching names to parameters is <see cref="StrictLoader"/>'s job.
/// </summary>
/// <remarks>
/// As in transformers, <c>model.safetensors</c> wins when a folder has both it and an index. A folder with other
/// <c>*.safetensors</c> files but neither is refused rather than guessed at.
/// </remarks>
public sealed class CheckpointTensors : IDisposable
{
    /// <summary>The single-file weights name transformers writes.</summary>
    public const string SingleFileName = "model.safetensors";

    /// <summary>The shard index name transformers writes.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly List<SafeTensorsFile> _files;
    private readonly Dictionary<string, SafeTensorsFile> _fileOf;

    private CheckpointTensors(string directory, List<SafeTensorsFile> files, Dictionary<string, SafeTensorsFile> fileOf)
    {
        Directory = directory;
        _files = files;
        _fileOf = fileOf;
        Names = fileOf.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The checkpoint folder.</summary>
    public string Directory { get; }

    /// <summary>All tensor names, sorted ordinally.</summary>
    public IReadOnlyCollection<string> Names { get; }

    /// <summary>The safetensors files read: one, or every shard named by the index.</summary>
    public IReadOnlyList<string> Files => _files.Select(f => f.Path).ToArray();

    /// <summary>True when the checkpoint was opened through <see cref="IndexFileName"/>.</summary>
    public bool IsSharded { get; private init; }

    /// <summary>Opens the checkpoint in <paramref name="dir"/>.</summary>
    /// <exception cref="BardException">
    /// No weights in the folder, an index that is not JSON or lacks <c>weight_map</c>, missing shards, a tensor the
    /// index maps to a shard that lacks it, a shard tensor the index does not list, or any invalid shard header.
    /// </exception>
    public static CheckpointTensors Open(string dir)
    {
        if (!System.IO.Directory.Exists(dir))
        {
            throw new BardException($"Checkpoint folder '{dir}' does not exist. Fix: pass the folder that holds {SingleFileName} or {IndexFileName}.");
        }
        var single = System.IO.Path.Combine(dir, SingleFileName);
        if (File.Exists(single))
        {
            var file = SafeTensorsFile.Open(single);
            return new CheckpointTensors(dir, [file], file.Tensors.Keys.ToDictionary(n => n, _ => file, StringComparer.Ordinal));
        }
        var index = System.IO.Path.Combine(dir, IndexFileName);
        if (File.Exists(index))
        {
            return OpenSharded(dir, index);
        }
        var others = System.IO.Directory.EnumerateFiles(dir, "*.safetensors").Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        var found = others.Length == 0 ? "no .safetensors files" : $"only {string.Join(", ", others.Take(5))}{(others.Length > 5 ? ", ..." : "")}";
        throw new BardException($"Checkpoint folder '{dir}' has neither {SingleFileName} nor {IndexFileName} ({found}). " +
            $"Fix: save the model with save_pretrained (which writes the index for sharded weights) or rename a single weights file to {SingleFileName}.");
    }

    private static CheckpointTensors OpenSharded(string dir, string indexPath)
    {
        var weightMap = ReadWeightMap(indexPath);
        var shardNames = weightMap.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var missing = shardNames.Where(s => !File.Exists(System.IO.Path.Combine(dir, s))).ToArray();
        if (missing.Length > 0)
        {
            throw new BardException($"Checkpoint index '{indexPath}' names {missing.Length} shard(s) missing from the folder: {NameList.Format(missing)}. " +
                "Fix: download the missing shards (or the whole checkpoint again).");
        }

        var files = new List<SafeTensorsFile>();
        try
        {
            var byShard = new Dictionary<string, SafeTensorsFile>(StringComparer.Ordinal);
            foreach (var shard in shardNames)
            {
                var file = SafeTensorsFile.Open(System.IO.Path.Combine(dir, shard));
                files.Add(file);
                byShard[shard] = file;
            }
            var notInShard = weightMap.Where(kv => !byShard[kv.Value].Tensors.ContainsKey(kv.Key))
                .Select(kv => $"{kv.Key} (→ {kv.Value})").Order(StringComparer.Ordinal).ToArray();
            var notInIndex = files.SelectMany(f => f.Tensors.Keys.Where(n => !weightMap.TryGetValue(n, out var s) || byShard[s] != f)
                .Select(n => $"{n} (in {System.IO.Path.GetFileName(f.Path)})")).Order(StringComparer.Ordinal).ToArray();
            if (notInShard.Length > 0 || notInIndex.Length > 0)
            {
                var problems = new List<string>();
                if (notInShard.Length > 0)
                {
                    problems.Add($"{notInShard.Length} tensor(s) mapped to a shard that does not hold them: {NameList.Format(notInShard)}");
                }
                if (notInIndex.Length > 0)
                {
                    problems.Add($"{notInIndex.Length} shard tensor(s) not mapped to that shard by the index: {NameList.Format(notInIndex)}");
                }
                throw new BardException($"Checkpoint index '{indexPath}' does not match its shards: {string.Join("; ", problems)}. " +
                    "Fix: the index and shards come from different saves; download the checkpoint again.");
            }
            var fileOf = weightMap.ToDictionary(kv => kv.Key, kv => byShard[kv.Value], StringComparer.Ordinal);
            return new CheckpointTensors(dir, files, fileOf) { IsSharded = true };
        }
        catch
        {
            files.ForEach(f => f.Dispose());
            throw;
        }
    }

    private static Dictionary<string, string> ReadWeightMap(string indexPath)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(indexPath));
        }
        catch (JsonException e)
        {
            throw new BardException($"Checkpoint index '{indexPath}' is not valid JSON ({e.Message}). Fix: download the index again.", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            {
                throw new BardException($"Checkpoint index '{indexPath}' has no \"weight_map\" object. Fix: download the index again.");
            }
            var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in map.EnumerateObject())
            {
                var shard = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : null;
                // A shard is a file beside the index: no folders, so an index cannot point outside the checkpoint.
                if (string.IsNullOrEmpty(shard) || shard != System.IO.Path.GetFileName(shard) || shard is "." or "..")
                {
                    throw new BardException($"Checkpoint index '{indexPath}': weight_map entry '{entry.Name}' is {entry.Value.GetRawText()}, not a file name in the same folder. Fix: download the index again.");
                }
                if (!weightMap.TryAdd(entry.Name, shard))
                {
                    throw new BardException($"Checkpoint index '{indexPath}': tensor '{entry.Name}' appears twice in weight_map. Fix: download the index again.");
                }
            }
            return weightMap;
        }
    }

    /// <summary>True when the checkpoint holds a tensor named <paramref name="name"/>.</summary>
    public bool Contains(string name) => _fileOf.ContainsKey(name);

    /// <summary>The header entry of <paramref name="name"/> (offsets relative to its shard's data section).</summary>
    /// <exception cref="BardException">No tensor of that name.</exception>
    public SafeTensorInfo Info(string name) => FileOf(name).Info(name);

    /// <summary>The safetensors file (shard) that holds <paramref name="name"/>.</summary>
    /// <exception cref="BardException">No tensor of that name.</exception>
    public string PathOf(string name) => FileOf(name).Path;

    /// <summary>Reads <paramref name="name"/> into a new CPU tensor converted to <paramref name="dtype"/>; the caller owns it.</summary>
    /// <exception cref="BardException">No tensor of that name, or its type cannot be held by TorchSharp.</exception>
    public torch.Tensor Load(string name, torch.ScalarType dtype) => FileOf(name).Load(name, dtype);

    /// <summary>Reads <paramref name="name"/> into a new CPU tensor of its stored type; the caller owns it.</summary>
    public torch.Tensor Load(string name) => FileOf(name).Load(name);

    private SafeTensorsFile FileOf(string name) =>
        _fileOf.TryGetValue(name, out var file)
            ? file
            : throw new BardException($"Checkpoint '{Directory}' has no tensor '{name}' (it holds {_fileOf.Count}). Fix: check the name against the checkpoint's weights.");

    /// <summary>Closes every file. Tensors already loaded stay valid.</summary>
    public void Dispose() => _files.ForEach(f => f.Dispose());
}
