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
            AppendString(json, entries[i].Key);
            json.Append(": ");
            AppendString(json, entries[i].Value);
        }
        json.Append(entries.Length == 0 ? "}" : "\n  }");
        json.Append("\n}\n");
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    /// <summary>A JSON string the way Python's json module writes it with ensure_ascii (the default).</summary>
    private static void AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case < ' ' or > '~': json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: json.Append(c); break;
            }
        }
        json.Append('"');
    }
}
