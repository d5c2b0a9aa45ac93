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
                JsonStringWriter.Append(json, key, JsonEscaping.Serde);
                json.Append(':');
                JsonStringWriter.Append(json, value, JsonEscaping.Serde);
                firstEntry = false;
            }
            json.Append('}');
            first = false;
        }
        foreach (var info in tensors)
        {
            json.Append(first ? "" : ",");
            JsonStringWriter.Append(json, info.Name, JsonEscaping.Serde);
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
}
