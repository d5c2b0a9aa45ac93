using System.Text.Json;

namespace Bard.Data.Assembly;

/// <summary>
/// LLaMA-Factory's side of the chat export: the <c>dataset_info.json</c> that registers Bard's chat JSONL files as
/// sharegpt-format datasets with OpenAI-style role tags, so that <c>dataset_dir: DIR</c> and <c>dataset: bard_train</c>
/// in a LLaMA-Factory config read them as they are.
/// </summary>
public static class LlamaFactoryExport
{
    /// <summary>Writes <c>dir/dataset_info.json</c> naming each (dataset name, file name in dir) pair; replaces an existing one.</summary>
    public static void WriteDatasetInfo(string dir, IEnumerable<(string Name, string FileName)> datasets)
    {
        Directory.CreateDirectory(dir);
        var info = new Dictionary<string, object>();
        foreach (var (name, file) in datasets)
            info[name] = new Dictionary<string, object>
            {
                ["file_name"] = file,
                ["formatting"] = "sharegpt",
                ["columns"] = new Dictionary<string, string> { ["messages"] = "messages" },
                ["tags"] = new Dictionary<string, string>
                {
                    ["role_tag"] = "role", ["content_tag"] = "content", ["user_tag"] = "user", ["assistant_tag"] = "assistant", ["system_tag"] = "system",
                },
            };
        File.WriteAllText(Path.Combine(dir, "dataset_info.json"), JsonSerializer.Serialize(info, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
