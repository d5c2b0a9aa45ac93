using System.Globalization;
using System.Text;

namespace Bard.Model;

/// <summary>
/// Serializes a safetensors header exactly as the Rust crate does with <c>serde_json</c>: compact, <c>__metadata__</c>
/// first (its keys sorted here, for determinism, where Rust's hash map order is arbitrary), then the tensors in data
/// order as <c>{"dtype":..,"shape":[..],"data_offsets":[b,e]}</c>; strings escape only quotes, backslashes and
/// control characters, and non-ASCII stays UTF-8.
/// </summary>
internal static class HeaderJson
{
    /// <summary>UTF-8 header bytes, without the padding.</summary>
    internal static byte[] Serialize(IReadOnlyList<SafeTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var json = new StringBuilder("{");
        var first = true;
        if (metadata.Count > 0)
        {
            json.Append("\"__metadata__\":{");
            var firstEntry = true;
            foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                json.Append(firstEntry ? "" : ",");
                AppendString(json, key);
                json.Append(':');
                AppendString(json, value);
                firstEntry = false;
            }
            json.Append('}');
            first = false;
        }
        foreach (var info in tensors)
        {
            json.Append(first ? "" : ",");
            AppendString(json, info.Name);
            json.Append(":{\"dtype\":\"").Append(info.DType).Append("\",\"shape\":[");
            json.AppendJoin(',', info.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
            json.Append("],\"data_offsets\":[")
                .Append(info.Begin.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(info.End.ToString(CultureInfo.InvariantCulture)).Append("]}");
            first = false;
        }
        json.Append('}');
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    /// <summary>A JSON string the way serde_json writes it.</summary>
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
                case < ' ': json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: json.Append(c); break;
            }
        }
        json.Append('"');
    }
}
