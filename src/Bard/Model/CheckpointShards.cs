using System.Text.RegularExpressions;
using TorchSharp;

namespace Bard.Model;

/// <summary>How transformers splits a state dict into shard files, and which files of an older save are stale.</summary>
internal static partial class CheckpointShards
{
    /// <summary>
    /// huggingface_hub's greedy split: walk the tensors in order; a tensor larger than <paramref name="maxShardBytes"/>
    /// gets a shard of its own at once; otherwise a new shard starts when the tensor would push the current one past the limit.
    /// </summary>
    internal static List<List<KeyValuePair<string, torch.Tensor>>> Split(IReadOnlyList<KeyValuePair<string, torch.Tensor>> tensors, long maxShardBytes)
    {
        var shards = new List<List<KeyValuePair<string, torch.Tensor>>>();
        var current = new List<KeyValuePair<string, torch.Tensor>>();
        long currentBytes = 0;
        foreach (var entry in tensors)
        {
            var bytes = entry.Value.NumberOfElements * entry.Value.ElementSize;
            if (bytes > maxShardBytes)
            {
                shards.Add([entry]);
                continue;
            }
            if (currentBytes + bytes > maxShardBytes)
            {
                shards.Add(current);
                current = [];
                currentBytes = 0;
            }
            current.Add(entry);
            currentBytes += bytes;
        }
        if (current.Count > 0)
        {
            shards.Add(current);
        }
        return shards;
    }

    /// <summary><c>model-00001-of-00003.safetensors</c> for shard 1 of 3.</summary>
    internal static string ShardFileName(int number, int count) => $"model-{number:D5}-of-{count:D5}.safetensors";

    /// <summary>Deletes weights files (single, shards, index) in <paramref name="dir"/> that are not in <paramref name="keep"/>.</summary>
    internal static void DeleteStale(string dir, IReadOnlySet<string> keep)
    {
        foreach (var path in Directory.EnumerateFiles(dir))
        {
            var name = Path.GetFileName(path);
            var isWeights = name is CheckpointTensors.SingleFileName or CheckpointTensors.IndexFileName || ShardName().IsMatch(name);
            if (isWeights && !keep.Contains(name))
            {
                File.Delete(path);
            }
        }
    }

    [GeneratedRegex(@"^model-\d{5}-of-\d{5}\.safetensors$")]
    private static partial Regex ShardName();
}
