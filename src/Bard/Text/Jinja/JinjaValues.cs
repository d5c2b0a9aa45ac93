using System.Globalization;
using System.Text;

namespace Bard.Text.Jinja;

// Runtime values follow Python's: null is None, long is int, double is float, List<object?> is list,
// Dictionary<string, object?> is dict (insertion order), plus these three Jinja objects.

/// <summary>Jinja's default Undefined: prints as "", is false, iterates as empty; any other use is an error.</summary>
internal sealed class Undefined(string name)
{
    public string Name { get; } = name;
}

/// <summary>A Python tuple: a list that prints with parentheses ((1, 2), dict items, a parenthesised list of values).</summary>
internal sealed class JinjaTuple : List<object?>
{
    public JinjaTuple(IEnumerable<object?> items) : base(items) { }
}

/// <summary>The object <c>namespace(...)</c> returns: attributes that <c>set ns.x = ...</c> may change inside loops.</summary>
internal sealed class JinjaNamespace
{
    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}

/// <summary>A function value (raise_exception, namespace, range, loop.cycle).</summary>
internal delegate object? JinjaFunction(List<object?> args, Dictionary<string, object?> kwargs);

/// <summary>Python's str(), repr(), truth, equality and JSON for runtime values.</summary>
internal static class PyValue
{
    public static bool Truthy(object? v) => v switch
    {
        null or Undefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        List<object?> l => l.Count > 0,
        Dictionary<string, object?> d => d.Count > 0,
        _ => true,
    };

    public static string Str(object? v) => v switch
    {
        Undefined => "",
        string s => s,
        _ => Repr(v),
    };

    public static string Repr(object? v) => Repr(v, 0);

    /// <summary>
    /// Values nested deeper than <see cref="JinjaParser.MaxDepth"/> (a list wrapped in itself in a loop) are refused by
    /// <see cref="Repr(object?)"/>, <see cref="Equals(object?, object?)"/> and <see cref="ToJson"/>, which recurse.
    /// </summary>
    static int Deeper(int depth) => depth < JinjaParser.MaxDepth ? depth + 1 : throw TooDeep();

    static JinjaError TooDeep() => new($"a value nests lists or dicts more than {JinjaParser.MaxDepth} levels deep; a chat template's values are shallow");

    static string Repr(object? v, int depth) => v switch
    {
        null => "None",
        Undefined => "",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => Float(d),
        string s => ReprString(s),
        JinjaTuple t => "(" + string.Join(", ", t.Select(x => Repr(x, Deeper(depth)))) + (t.Count == 1 ? ",)" : ")"),
        List<object?> l => "[" + string.Join(", ", l.Select(x => Repr(x, Deeper(depth)))) + "]",
        Dictionary<string, object?> d => "{" + string.Join(", ", d.Select(kv => ReprString(kv.Key) + ": " + Repr(kv.Value, Deeper(depth)))) + "}",
        JinjaNamespace => "<Namespace>",
        _ => v.ToString() ?? "",
    };

    static string ReprString(string s)
    {
        char q = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder().Append(q);
        foreach (char c in s)
        {
            if (c == q || c == '\\') sb.Append('\\').Append(c);
            else if (c == '\n') sb.Append("\\n");
            else if (c == '\r') sb.Append("\\r");
            else if (c == '\t') sb.Append("\\t");
            else if (c < 0x20 || c == 0x7F) sb.Append($"\\x{(int)c:x2}");
            else sb.Append(c);
        }
        return sb.Append(q).ToString();
    }

    /// <summary>Python's repr of a float: "1.0", "0.1", "1e-05", "1.5e+20".</summary>
    public static string Float(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsInfinity(d)) return d > 0 ? "inf" : "-inf";
        if (d == Math.Floor(d) && Math.Abs(d) < 1e16)
            return (d == 0 && double.IsNegative(d) ? "-0" : d.ToString("F0", CultureInfo.InvariantCulture)) + ".0";
        string r = d.ToString("R", CultureInfo.InvariantCulture);
        int e = r.IndexOf('E');
        if (e < 0) return r;
        string mant = r[..e], exp = r[(e + 1)..];
        char sign = exp[0] == '-' ? '-' : '+';
        exp = exp.TrimStart('+', '-').PadLeft(2, '0');
        return mant + "e" + sign + exp;
    }

    public static new bool Equals(object? a, object? b) => Equals(a, b, 0);

    static bool Equals(object? a, object? b, int depth)
    {
        if (a is Undefined || b is Undefined) return a is Undefined && b is Undefined;
        if (a is null || b is null) return a is null && b is null;
        if (IsNumber(a) && IsNumber(b)) return a is double || b is double ? ToDouble(a) == ToDouble(b) : ToLong(a) == ToLong(b);
        if (a is string sa && b is string sb) return sa == sb;
        if (a is List<object?> la && b is List<object?> lb) return la.Count == lb.Count && la.Zip(lb).All(p => Equals(p.First, p.Second, Deeper(depth)));
        if (a is Dictionary<string, object?> da && b is Dictionary<string, object?> db)
            return da.Count == db.Count && da.All(kv => db.TryGetValue(kv.Key, out var v) && Equals(kv.Value, v, Deeper(depth)));
        return ReferenceEquals(a, b);
    }

    public static bool IsNumber(object? v) => v is long or double or bool;
    public static long ToLong(object? v) => v switch { long l => l, bool b => b ? 1 : 0, double d => (long)d, _ => throw new InvalidCastException() };
    public static double ToDouble(object? v) => v switch { long l => l, bool b => b ? 1 : 0, double d => d, _ => throw new InvalidCastException() };

    /// <summary>Python's len(): strings count code points.</summary>
    public static long Length(object? v) => v switch
    {
        string s => s.EnumerateRunes().Count(),
        List<object?> l => l.Count,
        Dictionary<string, object?> d => d.Count,
        Undefined => 0,
        _ => throw new JinjaError($"object of type {TypeName(v)} has no length"),
    };

    public static string TypeName(object? v) => v switch
    {
        null => "NoneType", Undefined => "Undefined", bool => "bool", long => "int", double => "float", string => "str",
        List<object?> => "list", Dictionary<string, object?> => "dict", JinjaNamespace => "Namespace", _ => v.GetType().Name,
    };

    /// <summary>transformers' tojson: json.dumps(x, ensure_ascii=False, indent=indent, sort_keys=sort_keys).</summary>
    public static string ToJson(object? v, int? indent, bool sortKeys)
    {
        var sb = new StringBuilder();
        WriteJson(sb, v, indent, sortKeys, 0);
        return sb.ToString();
    }

    static void WriteJson(StringBuilder sb, object? v, int? indent, bool sortKeys, int depth)
    {
        if (depth > JinjaParser.MaxDepth) throw TooDeep();
        switch (v)
        {
            case null: sb.Append("null"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: sb.Append(double.IsNaN(d) ? "NaN" : double.IsInfinity(d) ? (d > 0 ? "Infinity" : "-Infinity") : Float(d)); break;
            case string s: JsonString(sb, s); break;
            case List<object?> list:
                if (list.Count == 0) { sb.Append("[]"); break; }
                sb.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    sb.Append(i == 0 ? "" : indent is null ? ", " : ",");
                    NewLine(sb, indent, depth + 1);
                    WriteJson(sb, list[i], indent, sortKeys, depth + 1);
                }
                NewLine(sb, indent, depth);
                sb.Append(']');
                break;
            case Dictionary<string, object?> dict:
                if (dict.Count == 0) { sb.Append("{}"); break; }
                sb.Append('{');
                var items = sortKeys ? dict.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList() : dict.ToList();
                for (int i = 0; i < items.Count; i++)
                {
                    sb.Append(i == 0 ? "" : indent is null ? ", " : ",");
                    NewLine(sb, indent, depth + 1);
                    JsonString(sb, items[i].Key);
                    sb.Append(": ");
                    WriteJson(sb, items[i].Value, indent, sortKeys, depth + 1);
                }
                NewLine(sb, indent, depth);
                sb.Append('}');
                break;
            default:
                throw new JinjaError($"Object of type {TypeName(v)} is not JSON serializable");
        }
    }

    static void NewLine(StringBuilder sb, int? indent, int depth)
    {
        if (indent is int n) sb.Append('\n').Append(' ', n * depth);
    }

    static void JsonString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20) sb.Append($"\\u{(int)c:x4}");
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    /// <summary>Converts a System.Text.Json value into a runtime value.</summary>
    public static object? FromJson(System.Text.Json.JsonElement e) => e.ValueKind switch
    {
        System.Text.Json.JsonValueKind.Null or System.Text.Json.JsonValueKind.Undefined => null,
        System.Text.Json.JsonValueKind.True => true,
        System.Text.Json.JsonValueKind.False => false,
        System.Text.Json.JsonValueKind.String => e.GetString(),
        System.Text.Json.JsonValueKind.Number => e.TryGetInt64(out long l) ? l : (object)e.GetDouble(),
        System.Text.Json.JsonValueKind.Array => e.EnumerateArray().Select(FromJson).ToList(),
        _ => e.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value), StringComparer.Ordinal),
    };
}

/// <summary>A template that fails while rendering (TypeError, UndefinedError, an unknown method); the interpreter adds the line.</summary>
internal sealed class JinjaError(string message) : Exception(message);
