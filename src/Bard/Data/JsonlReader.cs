using System.Text.Json;

namespace Bard.Data;

/// <summary>
/// Reads JSONL files (one JSON object per line; blank lines are ignored). Every bad line is reported with
/// its file and line: the reader stops there (<see cref="BadRecordPolicy.Stop"/>) or skips and counts it.
/// </summary>
public static class JsonlReader
{
    /// <summary>How many skip messages a result keeps.</summary>
    public const int MaxKeptMessages = 20;

    /// <summary>Reads every record of <paramref name="path"/> with <paramref name="format"/>.</summary>
    public static JsonlReadResult<T> Read<T>(string path, IRecordFormat<T> format, BadRecordPolicy policy = BadRecordPolicy.Stop) =>
        Read(path, format.Read, policy);

    /// <summary>Reads every line of <paramref name="path"/> with <paramref name="parse"/>, which throws <see cref="BardException"/> on a bad record.</summary>
    public static JsonlReadResult<T> Read<T>(string path, Func<JsonRecord, T> parse, BadRecordPolicy policy = BadRecordPolicy.Stop)
    {
        if (!File.Exists(path)) throw new BardException($"{path}: file not found. Check the path.");
        var records = new List<T>();
        var messages = new List<string>();
        int skipped = 0;
        int lineNo = 0;
        using var reader = new StreamReader(path);
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                records.Add(ParseLine(line, path, lineNo, parse));
            }
            catch (BardException e) when (policy == BadRecordPolicy.Skip)
            {
                skipped++;
                if (messages.Count < MaxKeptMessages) messages.Add(e.Message);
            }
        }
        return new JsonlReadResult<T>(records, skipped, messages);
    }

    static T ParseLine<T>(string line, string path, int lineNo, Func<JsonRecord, T> parse)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new BardException($"{path}:{lineNo}: not valid JSON ({e.Message}). Each line must hold one JSON object; "
                + "fix or delete the line, or pass --skip-bad to skip such lines.");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new BardException($"{path}:{lineNo}: expected a JSON object, got {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}.");
            return parse(new JsonRecord(doc.RootElement, path, lineNo));
        }
    }
}
