using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;

namespace Bard.Training;

/// <summary>
/// Per-step metrics of a run: one JSON object per line appended (and flushed) to OUT/metrics.jsonl, and
/// the same scalars to TensorBoard event files under OUT/tensorboard. On resume, lines past the resumed
/// step are dropped first, so the file never holds a step twice.
/// </summary>
public sealed class MetricsWriter : IDisposable
{
    readonly StreamWriter jsonl;
    readonly TorchSharp.Modules.SummaryWriter? tensorboard;

    /// <summary>The metrics file's name in a run folder.</summary>
    public const string FileName = "metrics.jsonl";

    public MetricsWriter(string outDir, int resumeFromStep, bool tensorboard = true)
    {
        Path = System.IO.Path.Combine(outDir, FileName);
        if (File.Exists(Path))
        {
            var keep = File.ReadLines(Path).Where(l => StepOf(l) is { } s && s <= resumeFromStep).ToList();
            File.WriteAllLines(Path, keep);
        }
        jsonl = new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        if (tensorboard) this.tensorboard = torch.utils.tensorboard.SummaryWriter(System.IO.Path.Combine(outDir, "tensorboard"), createRunName: false);
    }

    public string Path { get; }

    /// <summary>Appends one record; numeric fields also go to TensorBoard under their names.</summary>
    public void Write(int step, IReadOnlyDictionary<string, double> values)
    {
        var o = new JsonObject { ["step"] = step };
        foreach (var (k, v) in values)
        {
            o[k] = double.IsFinite(v) ? v : null; // JSON has no NaN; a NaN step is reported by the trainer
            if (double.IsFinite(v)) tensorboard?.add_scalar(k, (float)v, step);
        }
        jsonl.WriteLine(o.ToJsonString());
    }

    /// <summary>
    /// The steps recorded in <paramref name="outDir"/>'s metrics file, numeric fields only (a NaN, written as null, is
    /// left out); a line that does not parse (a write torn by a kill) is skipped. Empty when there is no file.
    /// </summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, double>> Read(string outDir)
    {
        string path = System.IO.Path.Combine(outDir, FileName);
        if (!File.Exists(path)) return [];
        var steps = new List<IReadOnlyDictionary<string, double>>();
        foreach (var line in File.ReadLines(path))
        {
            JsonNode? node;
            try { node = JsonNode.Parse(line); }
            catch (JsonException) { continue; }
            if (node is not JsonObject o) continue;
            steps.Add(o.Where(kv => kv.Value is JsonValue v && v.TryGetValue<double>(out _))
                .ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<double>()));
        }
        return steps;
    }

    static int? StepOf(string line)
    {
        try { return JsonNode.Parse(line)?["step"]?.GetValue<int>(); }
        catch (JsonException) { return null; }
    }

    public void Dispose()
    {
        jsonl.Dispose();

    }
}
