using System.Globalization;
using System.Text;

namespace Bard.Model;

/// <summary>
/// Serializes <c>model.safetensors.index.json</c> byte for byte as transformers does
/// (<c>json.dumps(index, indent=2, sort_keys=True) + "\n"</c>, ASCII-only escapes):
/// <c>{"metadata": {"total_parameters": P, "total_size": S}, "weight_map": {name: shard, ...}}</c>.
/// </summary>
internal static class IndexJson
{
    /// <summary>UTF-8 (in fact ASCII) index bytes.</summary>
    internal static byte[] Serialize(long totalParameters, long totalSize, IReadOnlyDictionary<string, string> weightMap)
    {
        var json = new StringBuilder();
        json.Append("{\n  \"metadata\": {\n");
        json.Append("    \"total_parameters\": ").Append(totalParameters.ToString(CultureInfo.InvariantCulture)).Append(",\n");
        json.Append("    \"total_size\": ").Append(totalSize.ToString(CultureInfo.InvariantCulture)).Append('\n');
        json.Append("  },\n  \"weight_map\": {");
        var entries = weightMap.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToArray();
        for (var i = 0; i < entries.Length; i++)
        {
            json.Append(i == 0 ? "\n" : ",\n").Append("    ");
            JsonStringWriter.Append(json, entries[i].Key, JsonEscaping.AsciiOnly);
            json.Append(": ");
            JsonStringWriter.Append(json, entries[i].Value, JsonEscaping.AsciiOnly);
        }
        json.Append(entries.Length == 0 ? "}" : "\n  }");
        json.Append("\n}\n");
        return Encoding.UTF8.GetBytes(json.ToString());
    }
}
