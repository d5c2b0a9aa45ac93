using System.Globalization;

namespace Bard.Text.Jinja;

/// <summary>The filters, tests and Python methods Bard's interpreter implements; anything else is an error, never a guess.</summary>
internal static class JinjaBuiltins
{
    public static readonly HashSet<string> Filters =
    [
        "trim", "tojson", "length", "count", "string", "lower", "upper", "capitalize", "title", "default", "d", "join",
        "first", "last", "list", "reverse", "replace", "int", "float", "abs", "items", "safe", "unique",
        "map", "select", "reject", "selectattr", "rejectattr",
    ];

    public static readonly HashSet<string> Tests =
    [
        "defined", "undefined", "none", "string", "number", "integer", "float", "boolean", "true", "false",
        "mapping", "iterable", "sequence", "callable", "equalto", "eq", "ne", "lt", "gt", "le", "ge", "in",
        "odd", "even", "divisibleby", "lower", "upper",
    ];

    public static object? Filter(string name, object? v, List<object?> a, Dictionary<string, object?> kw)
    {
        switch (name)
        {
            case "trim": return PyStrip(Str(v, name), Arg(a, kw, 0, "chars") as string, left: true, right: true);
            case "tojson":
            {
                var indent = Arg(a, kw, 0, "indent");
                return PyValue.ToJson(v, indent is null ? null : (int)PyValue.ToLong(indent), PyValue.Truthy(Arg(a, kw, 99, "sort_keys")));
            }
            case "length" or "count": return PyValue.Length(v);
            case "string": return PyValue.Str(v);
            case "lower": return Str(v, name).ToLowerInvariant();
            case "upper": return Str(v, name).ToUpperInvariant();
            case "capitalize": { var s = Str(v, name); return s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant(); }
            case "title": return PyTitle(Str(v, name));
            case "default" or "d":
            {
                bool boolean = PyValue.Truthy(Arg(a, kw, 1, "boolean"));
                return v is Undefined || (boolean && !PyValue.Truthy(v)) ? (a.Count > 0 ? a[0] : kw.GetValueOrDefault("default_value", "")) : v;
            }
            case "join":
            {
                string sep = Arg(a, kw, 0, "d") is string s ? s : "";
                var attr = Arg(a, kw, 1, "attribute");
                return string.Join(sep, Iterate(v).Select(x => PyValue.Str(attr is null ? x : Attribute(x, PyValue.Str(attr)))));
            }
            case "first": { var l = Iterate(v); return l.Count > 0 ? l[0] : new Undefined("first of an empty sequence"); }
            case "last": { var l = Iterate(v); return l.Count > 0 ? l[^1] : new Undefined("last of an empty sequence"); }
            case "list": return Iterate(v);
            case "reverse": return v is string rs ? new string(rs.Reverse().ToArray()) : Enumerable.Reverse(Iterate(v)).ToList();
            case "replace":
            {
                string s = Str(v, name), old = PyValue.Str(a[0]), @new = PyValue.Str(a[1]);
                long count = a.Count > 2 ? PyValue.ToLong(a[2]) : -1;
                return PyReplace(s, old, @new, count);
            }
            case "int":
                return v switch
                {
                    long or bool => PyValue.ToLong(v),
                    double d => (long)Math.Truncate(d),
                    string s when long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) => l,
                    _ => a.Count > 0 ? a[0] : 0L,
                };
            case "float":
                return v switch
                {
                    long or bool or double => PyValue.ToDouble(v),
                    string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
                    _ => a.Count > 0 ? a[0] : 0.0,
                };
            case "abs": return v is double d2 ? Math.Abs(d2) : (object)Math.Abs(PyValue.ToLong(v));
            case "items":
                return v is Dictionary<string, object?> dict ? dict.Select(kv => (object?)new JinjaTuple([kv.Key, kv.Value])).ToList()
                    : v is Undefined ? new List<object?>() : throw new JinjaError($"items filter needs a mapping, got {PyValue.TypeName(v)}");
            case "safe": return v;
            case "unique":
            {
                var result = new List<object?>();
                foreach (var x in Iterate(v)) if (!result.Any(r => PyValue.Equals(r, x))) result.Add(x);
                return result;
            }
            case "map":
            {
                if (kw.TryGetValue("attribute", out var attr))
                    return Iterate(v).Select(x => Attribute(x, PyValue.Str(attr))).ToList();
                if (a.Count > 0 && a[0] is string f && Filters.Contains(f))
                    return Iterate(v).Select(x => Filter(f, x, a.Skip(1).ToList(), [])).ToList();
                throw new JinjaError("map needs attribute=NAME or the name of a supported filter");
            }
            case "select" or "reject":
            {
                bool keep = name == "select";
                return Iterate(v).Where(x => (a.Count == 0 ? PyValue.Truthy(x) : Test(PyValue.Str(a[0]), x, a.Skip(1).ToList())) == keep).ToList();
            }
            case "selectattr" or "rejectattr":
            {
                bool keep = name == "selectattr";
                string attr = PyValue.Str(a[0]);
                return Iterate(v).Where(x =>
                {
                    var val = Attribute(x, attr);
                    return (a.Count < 2 ? PyValue.Truthy(val) : Test(PyValue.Str(a[1]), val, a.Skip(2).ToList())) == keep;
                }).ToList();
            }
        }
        throw new JinjaError($"the filter '{name}' is not supported");
    }

    public static bool Test(string name, object? v, List<object?> a)
    {
        if (!Tests.Contains(name)) throw new JinjaError($"the test '{name}' is not supported");
        return name switch
        {
            "defined" => v is not Undefined,
            "undefined" => v is Undefined,
            "none" => v is null,
            "string" => v is string,
            "number" => v is long or double or bool,
            "integer" => v is long,
            "float" => v is double,
            "boolean" => v is bool,
            "true" => v is true,
            "false" => v is false,
            "mapping" => v is Dictionary<string, object?>,
            "iterable" => v is string or List<object?> or Dictionary<string, object?> or Undefined,
            "sequence" => v is string or List<object?> or Dictionary<string, object?>,
            "callable" => v is JinjaFunction,
            "equalto" or "eq" => PyValue.Equals(v, a[0]),
            "ne" => !PyValue.Equals(v, a[0]),
            "lt" => Compare(v, a[0]) < 0,
            "gt" => Compare(v, a[0]) > 0,
            "le" => Compare(v, a[0]) <= 0,
            "ge" => Compare(v, a[0]) >= 0,
            "in" => Contains(a[0], v),
            "odd" => PyValue.ToLong(v) % 2 != 0,
            "even" => PyValue.ToLong(v) % 2 == 0,
            "divisibleby" => PyValue.ToLong(v) % PyValue.ToLong(a[0]) == 0,
            "lower" => v is string ls && ls == ls.ToLowerInvariant(),
            "upper" => v is string us && us == us.ToUpperInvariant(),
            _ => throw new JinjaError($"the test '{name}' is not supported"),
        };
    }

    /// <summary>Calls a Python method of a str, dict or list value.</summary>
    public static object? Method(object? target, string name, List<object?> a, Dictionary<string, object?> kw)
    {
        if (target is string s)
        {
            switch (name)
            {
                case "startswith": return StartsOrEnds(s, a[0], start: true);
                case "endswith": return StartsOrEnds(s, a[0], start: false);
                case "strip": return PyStrip(s, Arg(a, kw, 0, "chars") as string, true, true);
                case "lstrip": return PyStrip(s, Arg(a, kw, 0, "chars") as string, true, false);
                case "rstrip": return PyStrip(s, Arg(a, kw, 0, "chars") as string, false, true);
                case "split": return PySplit(s, Arg(a, kw, 0, "sep") as string, Arg(a, kw, 1, "maxsplit") is { } m ? PyValue.ToLong(m) : -1);
                case "lower": return s.ToLowerInvariant();
                case "upper": return s.ToUpperInvariant();
                case "title": return PyTitle(s);
                case "capitalize": return s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();
                case "replace": return PyReplace(s, PyValue.Str(a[0]), PyValue.Str(a[1]), a.Count > 2 ? PyValue.ToLong(a[2]) : -1);
                case "find": return (long)s.IndexOf(PyValue.Str(a[0]), StringComparison.Ordinal);
                case "count": return (long)PySplit(s, PyValue.Str(a[0]), -1).Count - 1;
                case "join": return string.Join(s, Iterate(a[0]).Select(PyValue.Str));
                case "isdigit": return s.Length > 0 && s.All(char.IsDigit);
                case "isspace": return s.Length > 0 && s.All(char.IsWhiteSpace);
            }
        }
        else if (target is Dictionary<string, object?> d)
        {
            switch (name)
            {
                case "items": return d.Select(kv => (object?)new JinjaTuple([kv.Key, kv.Value])).ToList();
                case "keys": return d.Keys.Select(k => (object?)k).ToList();
                case "values": return d.Values.ToList();
                case "get": return d.TryGetValue(PyValue.Str(a[0]), out var v) ? v : a.Count > 1 ? a[1] : null;
            }
        }
        throw new JinjaError($"the method {PyValue.TypeName(target)}.{name}() is not supported by Bard's chat-template interpreter");
    }

    /// <summary>Jinja's getattr: a dict's key, a namespace's attribute, otherwise Undefined.</summary>
    public static object? Attribute(object? target, string attr) => target switch
    {
        Undefined u => throw new JinjaError($"'{u.Name}' is undefined (reading .{attr})"),
        Dictionary<string, object?> d => d.TryGetValue(attr, out var v) ? v : new Undefined(attr),
        JinjaNamespace ns => ns.Attributes.TryGetValue(attr, out var v) ? v : new Undefined(attr),
        _ => new Undefined(attr),
    };

    public static List<object?> Iterate(object? v) => v switch
    {
        List<object?> l => l,
        Dictionary<string, object?> d => d.Keys.Select(k => (object?)k).ToList(),
        string s => s.EnumerateRunes().Select(r => (object?)r.ToString()).ToList(),
        Undefined => [],
        _ => throw new JinjaError($"'{PyValue.TypeName(v)}' object is not iterable"),
    };

    public static bool Contains(object? container, object? item) => container switch
    {
        string s => item is string sub ? s.Contains(sub, StringComparison.Ordinal) : throw new JinjaError($"'in <string>' requires string as left operand, not {PyValue.TypeName(item)}"),
        List<object?> l => l.Any(x => PyValue.Equals(x, item)),
        Dictionary<string, object?> d => item is string k && d.ContainsKey(k),
        Undefined => false,
        _ => throw new JinjaError($"argument of type '{PyValue.TypeName(container)}' is not iterable"),
    };

    public static int Compare(object? a, object? b)
    {
        if (PyValue.IsNumber(a) && PyValue.IsNumber(b)) return PyValue.ToDouble(a).CompareTo(PyValue.ToDouble(b));
        if (a is string sa && b is string sb) return string.CompareOrdinal(sa, sb);
        throw new JinjaError($"'<' not supported between instances of '{PyValue.TypeName(a)}' and '{PyValue.TypeName(b)}'");
    }

    static object? Arg(List<object?> a, Dictionary<string, object?> kw, int index, string name) =>
        index < a.Count ? a[index] : kw.TryGetValue(name, out var v) ? v : null;

    static string Str(object? v, string filter) => v switch
    {
        string s => s,
        Undefined => "",
        _ => PyValue.Str(v),
    };

    static bool StartsOrEnds(string s, object? arg, bool start)
    {
        var options = arg is List<object?> l ? l.Select(PyValue.Str) : [arg is string p ? p : throw new JinjaError($"startswith/endswith needs a string, got {PyValue.TypeName(arg)}")];
        return options.Any(p => start ? s.StartsWith(p, StringComparison.Ordinal) : s.EndsWith(p, StringComparison.Ordinal));
    }

    // Python's str.title(): a cased letter after an uncased character starts a word ("they're" -> "They'Re").
    static string PyTitle(string s)
    {
        var chars = s.ToCharArray();
        bool previousCased = false;
        for (int i = 0; i < chars.Length; i++)
        {
            char c = chars[i];
            bool cased = char.IsUpper(c) || char.IsLower(c) || char.GetUnicodeCategory(c) == UnicodeCategory.TitlecaseLetter;
            chars[i] = cased ? (previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)) : c;
            previousCased = cased;
        }
        return new string(chars);
    }

    // Python's str.isspace() characters: Unicode whitespace plus the information separators U+001C..U+001F.
    static bool IsPySpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001c' and <= '\u001f';

    public static string PyStrip(string s, string? chars, bool left, bool right)
    {
        int a = 0, b = s.Length;
        Func<char, bool> strip = chars is null ? IsPySpace : chars.Contains;
        if (left) while (a < b && strip(s[a])) a++;
        if (right) while (b > a && strip(s[b - 1])) b--;
        return s[a..b];
    }

    static List<object?> PySplit(string s, string? sep, long maxsplit)
    {
        var parts = new List<object?>();
        if (sep is null)
        {
            int i = 0;
            while (true)
            {
                while (i < s.Length && IsPySpace(s[i])) i++;
                if (i >= s.Length) break;
                if (maxsplit >= 0 && parts.Count == maxsplit) { parts.Add(PyStrip(s[i..], null, false, true)); break; }
                int j = i;
                while (j < s.Length && !IsPySpace(s[j])) j++;
                parts.Add(s[i..j]);
                i = j;
            }
            return parts;
        }
        if (sep.Length == 0) throw new JinjaError("empty separator");
        int start = 0;
        while (maxsplit < 0 || parts.Count < maxsplit)
        {
            int k = s.IndexOf(sep, start, StringComparison.Ordinal);
            if (k < 0) break;
            parts.Add(s[start..k]);
            start = k + sep.Length;
        }
        parts.Add(s[start..]);
        return parts;
    }

    static string PyReplace(string s, string old, string @new, long count)
    {
        if (count < 0) return old.Length == 0 ? string.Join(@new, ["", .. s.Select(c => c.ToString()), ""]) : s.Replace(old, @new, StringComparison.Ordinal);
        var parts = PySplit(s, old.Length == 0 ? throw new JinjaError("replace with an empty pattern and a count is not supported") : old, count);
        return string.Join(@new, parts.Select(p => (string)p!));
    }
}
