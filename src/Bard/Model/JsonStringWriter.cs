using System.Globalization;
using System.Text;

namespace Bard.Model;

/// <summary>Which characters beyond quotes, backslashes and control characters a JSON writer escapes.</summary>
internal enum JsonEscaping
{
    /// <summary>serde_json (the Rust safetensors crate): non-ASCII stays as UTF-8.</summary>
    Serde,
    /// <summary>Python's json module with ensure_ascii (transformers' index files): everything past '~' as \uXXXX.</summary>
    AsciiOnly,
}

/// <summary>Writes JSON string literals byte-compatibly with the peer implementations whose files Bard reproduces.</summary>
internal static class JsonStringWriter
{
    public static void Append(StringBuilder json, string value, JsonEscaping escaping)
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
                case < ' ': Unicode(json, c); break;
                case > '~' when escaping == JsonEscaping.AsciiOnly: Unicode(json, c); break;
                default: json.Append(c); break;
            }
        }
        json.Append('"');
    }

    static void Unicode(StringBuilder json, char c) => json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
}
