using System.Text;
using System.Text.Json;

namespace Bard.Eval;

/// <summary>
/// <c>summary.json</c>: writes and reads <see cref="EvalSummary"/> with snake_case keys:
/// <code>
/// {"schema_version":1, "task":"gsm8k", "budgets":[128,256], "seconds":12.5, "confidence":"wilson_95",
///  "methods":{"bard":{"per_budget":[{"budget":128, "n":100, "accuracy":0.8, "accuracy_ci_low":..., "accuracy_ci_high":...,
///    "mean_thinking_tokens":..., "median_thinking_tokens":..., "mean_abs_rel_dev":..., "mean_signed_rel_dev":...,
///    "rmse_rel_dev":..., "over_budget_rate":..., "closed_thinking_rate":..., "truncated_rate":..., "mean_answer_tokens":..., "per_difficulty":[{"difficulty":"level 1","n":..,"accuracy":..}]}]}}}
/// </code>
/// Undefined metrics (n = 0; budget metrics in mode none, whose <c>budget</c> is null) are written as null.
/// </summary>
public static class EvalSummaryJson
{
    /// <summary>The summary as indented JSON text.</summary>
    public static string ToJson(EvalSummary summary)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            Write(json, summary);
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Writes the summary to <paramref name="path"/>, creating its folder.</summary>
    public static void Write(string path, EvalSummary summary)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(path, ToJson(summary));
    }

    static void Write(Utf8JsonWriter json, EvalSummary s)
    {
        json.WriteStartObject();
        json.WriteNumber("schema_version", EvalSummary.SchemaVersion);
        json.WriteString("task", s.Task);
        json.WriteStartArray("budgets");
        foreach (int b in s.Budgets) json.WriteNumberValue(b);
        json.WriteEndArray();
        json.WriteNumber("seconds", Math.Round(s.Seconds, 3));
        json.WriteString("confidence", EvalSummary.ConfidenceMethod);
        json.WriteStartObject("methods");
        foreach (var m in s.Methods)
        {
            json.WriteStartObject(m.Method);
            json.WriteStartArray("per_budget");
            foreach (var r in m.PerBudget) WriteMetrics(json, r);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndObject();
        ObjectArray(json, "claims", s.Claims, c =>
        {
            json.WriteString("claim", c.Name);
            json.WriteBoolean("holds", c.Holds);
            json.WriteString("evidence", c.Evidence);
        });
        json.WriteEndObject();
    }

    static void WriteMetrics(Utf8JsonWriter json, BudgetMetrics r)
    {
        json.WriteStartObject();
        if (r.Budget is { } b) json.WriteNumber("budget", b); else json.WriteNull("budget");
        json.WriteNumber("n", r.N);
        Number(json, "accuracy", r.Accuracy);
        Number(json, "accuracy_ci_low", r.AccuracyCi?.Low);
        Number(json, "accuracy_ci_high", r.AccuracyCi?.High);
        Number(json, "mean_thinking_tokens", r.MeanThinkingTokens);
        Number(json, "median_thinking_tokens", r.MedianThinkingTokens);
        Number(json, "mean_abs_rel_dev", r.MeanAbsRelDev);
        Number(json, "mean_signed_rel_dev", r.MeanSignedRelDev);
        Number(json, "rmse_rel_dev", r.RmseRelDev);
        Number(json, "over_budget_rate", r.OverBudgetRate);
        Number(json, "closed_thinking_rate", r.ClosedThinkingRate);
        Number(json, "truncated_rate", r.TruncatedRate);
        Number(json, "mean_answer_tokens", r.MeanAnswerTokens);
        ObjectArray(json, "per_difficulty", r.PerDifficulty, d =>
        {
            json.WriteString("difficulty", d.Difficulty);
            json.WriteNumber("n", d.N);
            json.WriteNumber("accuracy", d.Accuracy);
        });
        json.WriteEndObject();
    }

    /// <summary>An array of objects under <paramref name="key"/>, each written by <paramref name="fields"/>; nothing when <paramref name="items"/> is empty.</summary>
    static void ObjectArray<T>(Utf8JsonWriter json, string key, IReadOnlyList<T> items, Action<T> fields)
    {
        if (items.Count == 0) return;
        json.WriteStartArray(key);
        foreach (var item in items)
        {
            json.WriteStartObject();
            fields(item);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    static void Number(Utf8JsonWriter json, string key, double? v)
    {
        if (v is { } x && double.IsFinite(x)) json.WriteNumber(key, x); else json.WriteNull(key);
    }

    /// <summary>Reads <c>summary.json</c>; errors name the file and the JSON path of the bad field.</summary>
    public static EvalSummary Read(string path)
    {
        if (!File.Exists(path)) throw new BardException($"{path}: file not found. Check the path (an eval run writes summary.json in its output folder).");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses <c>summary.json</c> text; <paramref name="file"/> is used in messages.</summary>
    public static EvalSummary Parse(string text, string file)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text); }
        catch (JsonException e) { throw new BardException($"{file}: not valid JSON ({e.Message})."); }
        using (doc)
        {
            var root = Object(doc.RootElement, "$", file);
            if (root.TryGetProperty("schema_version", out var v) && v.ValueKind == JsonValueKind.Number && v.GetInt32() > EvalSummary.SchemaVersion)
                throw new BardException($"{file}: field 'schema_version' is {v.GetInt32()}, but this Bard reads summaries of version 1..{EvalSummary.SchemaVersion}. Upgrade Bard.");
            string task = Get(root, "task", "$", file, JsonValueKind.String).GetString()!;
            var budgets = Get(root, "budgets", "$", file, JsonValueKind.Array).EnumerateArray()
                .Select((e, i) => Int(e, $"$.budgets[{i}]", file)).ToArray();
            double seconds = Get(root, "seconds", "$", file, JsonValueKind.Number).GetDouble();
            var methods = new List<MethodSummary>();
            foreach (var m in Get(root, "methods", "$", file, JsonValueKind.Object).EnumerateObject())
            {
                string at = $"$.methods.{m.Name}";
                var rows = Get(Object(m.Value, at, file), "per_budget", at, file, JsonValueKind.Array).EnumerateArray()
                    .Select((e, i) => ReadMetrics(Object(e, $"{at}.per_budget[{i}]", file), $"{at}.per_budget[{i}]", file)).ToArray();
                methods.Add(new MethodSummary(m.Name, rows));
            }
            var claims = root.TryGetProperty("claims", out var cs) && cs.ValueKind == JsonValueKind.Array
                ? cs.EnumerateArray().Select((c, i) => new Claim(
                    Get(c, "claim", $"$.claims[{i}]", file, JsonValueKind.String).GetString()!,
                    Bool(Get(c, "holds", $"$.claims[{i}]", file, null), $"$.claims[{i}].holds", file),
                    Get(c, "evidence", $"$.claims[{i}]", file, JsonValueKind.String).GetString()!)).ToArray()
                : [];
            return new EvalSummary(task, budgets, seconds, methods) { Claims = claims };
        }
    }

    static BudgetMetrics ReadMetrics(JsonElement e, string at, string file)
    {
        double? lo = OptNumber(e, "accuracy_ci_low", at, file), hi = OptNumber(e, "accuracy_ci_high", at, file);
        var perDifficulty = e.TryGetProperty("per_difficulty", out var pd) && pd.ValueKind == JsonValueKind.Array
            ? pd.EnumerateArray().Select((d, i) => new DifficultyAccuracy(
                Get(d, "difficulty", $"{at}.per_difficulty[{i}]", file, JsonValueKind.String).GetString()!,
                Int(Get(d, "n", $"{at}.per_difficulty[{i}]", file, JsonValueKind.Number), $"{at}.per_difficulty[{i}].n", file),
                Get(d, "accuracy", $"{at}.per_difficulty[{i}]", file, JsonValueKind.Number).GetDouble())).ToArray()
            : [];
        Get(e, "budget", at, file, null);
        return new BudgetMetrics(
            e.GetProperty("budget").ValueKind == JsonValueKind.Null ? null : Int(e.GetProperty("budget"), $"{at}.budget", file),
            Int(Get(e, "n", at, file, JsonValueKind.Number), $"{at}.n", file),
            ReqNumber(e, "accuracy", at, file),
            lo is { } l && hi is { } h ? new WilsonInterval(l, h) : null,
            ReqNumber(e, "mean_thinking_tokens", at, file),
            OptNumber(e, "median_thinking_tokens", at, file),
            ReqNumber(e, "mean_abs_rel_dev", at, file),
            ReqNumber(e, "over_budget_rate", at, file))
        {
            MeanSignedRelDev = OptNumber(e, "mean_signed_rel_dev", at, file),
            RmseRelDev = OptNumber(e, "rmse_rel_dev", at, file),
            ClosedThinkingRate = OptNumber(e, "closed_thinking_rate", at, file),
            TruncatedRate = OptNumber(e, "truncated_rate", at, file),
            MeanAnswerTokens = OptNumber(e, "mean_answer_tokens", at, file),
            PerDifficulty = perDifficulty,
        };
    }

    static bool Bool(JsonElement e, string at, string file) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new BardException($"{file}: field '{at}' must be true or false, got {e.ValueKind.ToString().ToLowerInvariant()}."),
    };

    static JsonElement Object(JsonElement e, string at, string file) => e.ValueKind == JsonValueKind.Object ? e
        : throw new BardException($"{file}: {at} must be a JSON object, got {e.ValueKind.ToString().ToLowerInvariant()}.");

    static JsonElement Get(JsonElement obj, string key, string at, string file, JsonValueKind? kind)
    {
        if (!obj.TryGetProperty(key, out var v))
            throw new BardException($"{file}: field '{at}.{key}' is missing. Was the file written by bard eval? Regenerate it with bard eval.");
        if (kind is { } k && v.ValueKind != k)
            throw new BardException($"{file}: field '{at}.{key}' must be {k.ToString().ToLowerInvariant()}, got {v.ValueKind.ToString().ToLowerInvariant()}.");
        return v;
    }

    static double? ReqNumber(JsonElement obj, string key, string at, string file)
    {
        var v = Get(obj, key, at, file, null);
        return v.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.Number => v.GetDouble(),
            _ => throw new BardException($"{file}: field '{at}.{key}' must be a number or null, got {v.ValueKind.ToString().ToLowerInvariant()}."),
        };
    }

    static double? OptNumber(JsonElement obj, string key, string at, string file) =>
        obj.TryGetProperty(key, out _) ? ReqNumber(obj, key, at, file) : null;

    static int Int(JsonElement e, string at, string file) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int i) ? i
            : throw new BardException($"{file}: field '{at}' must be an integer, got {e.GetRawText()}.");
}
