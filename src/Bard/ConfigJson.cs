using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bard;

/// <summary>
/// Reading and writing the option records (SftConfig, RlConfig, ...) as JSON files: snake_case keys,
/// enums as strings, unknown keys refused by name (a typo must not be ignored silently).
/// </summary>
public static class ConfigJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static T Load<T>(string path)
    {
        if (!File.Exists(path)) throw new BardException($"{path}: no such config file.");
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options)
                ?? throw new BardException($"{path}: the config is empty (null).");
        }
        catch (JsonException e)
        {
            throw new BardException($"{path}: {e.Message} Keys are snake_case, e.g. \"learning_rate\"; see the command's --help.", e);
        }
    }

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options) + "\n";

    /// <summary>Writes the resolved config next to a run's outputs (OUT/NAME).</summary>
    public static void Save<T>(T value, string path) => File.WriteAllText(path, Serialize(value));
}
