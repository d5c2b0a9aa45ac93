using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bard.Training;

/// <summary>
/// Where a run stands, saved next to each checkpoint (trainer_state.json): optimizer steps done and the
/// data cursor (epoch and next micro-batch within it). With the weights and the optimizer state it is
/// all a resumed run needs to continue exactly: the data order is a function of (seed, epoch).
/// </summary>
public sealed record TrainerState
{
    [JsonPropertyName("step")] public required int Step { get; init; }
    [JsonPropertyName("total_steps")] public required int TotalSteps { get; init; }
    [JsonPropertyName("epoch")] public required int Epoch { get; init; }
    [JsonPropertyName("micro_batch")] public required int MicroBatch { get; init; }
    [JsonPropertyName("seed")] public required long Seed { get; init; }

    public const string FileName = "trainer_state.json";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public void Save(string dir) => File.WriteAllText(Path.Combine(dir, FileName), JsonSerializer.Serialize(this, Json) + "\n");

    public static TrainerState Load(string dir)
    {
        string path = Path.Combine(dir, FileName);
        try
        {
            return JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(path))
                ?? throw new BardException($"{path}: empty trainer state.");
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new BardException($"{path}: cannot read the trainer state ({e.Message}). Delete that checkpoint folder to resume from an earlier one.", e);
        }
    }
}
