using Bard.Data;

namespace Bard.Eval;

/// <summary>
/// <c>samples.jsonl</c>: every <see cref="EvalSample"/> of a run, one per line (<see cref="EvalSampleFormat"/>),
/// appended as they are produced so that an interrupted run resumes and a report can be rebuilt from the file.
/// </summary>
public static class EvalSamplesFile
{
    /// <summary>The file name inside an eval output folder.</summary>
    public const string FileName = "samples.jsonl";

    /// <summary>Opens the file for appending; samples already there are skipped by <see cref="JsonlWriter{T}.TryAppend"/>.</summary>
    public static JsonlWriter<EvalSample> Open(string path) => JsonlWriter<EvalSample>.Open(path, EvalSampleFormat.Instance);

    /// <summary>Appends <paramref name="samples"/> (skipping those already in the file); returns how many were written.</summary>
    public static int Append(string path, IEnumerable<EvalSample> samples)
    {
        using var writer = Open(path);
        return samples.Count(writer.TryAppend);
    }

    /// <summary>Writes <paramref name="samples"/> as the whole file (a fresh evaluation replaces the previous one).</summary>
    public static int Replace(string path, IEnumerable<EvalSample> samples)
    {
        if (File.Exists(path)) File.Delete(path);
        return Append(path, samples);
    }

    /// <summary>Reads every sample of the file; a bad line stops the read with its file and line.</summary>
    public static IReadOnlyList<EvalSample> Read(string path) => JsonlReader.Read(path, EvalSampleFormat.Instance).Records;
}
