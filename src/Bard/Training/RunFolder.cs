using System.Globalization;

namespace Bard.Training;

/// <summary>
/// The checkpoint folders of a run: OUT/checkpoint-STEP/ (written to a temporary folder, then renamed,
/// so a crash never leaves a half-written checkpoint) and OUT/final/. Keeps the newest K.
/// </summary>
public static class RunFolder
{
    public const string Prefix = "checkpoint-";

    public static string CheckpointDir(string outDir, int step) => Path.Combine(outDir, Prefix + step.ToString(CultureInfo.InvariantCulture));

    /// <summary>The completed checkpoint folders of a run, oldest first.</summary>
    public static IReadOnlyList<(int Step, string Dir)> Checkpoints(string outDir)
    {
        if (!Directory.Exists(outDir)) return [];
        return Directory.GetDirectories(outDir, Prefix + "*")
            .Select(d => (Ok: int.TryParse(Path.GetFileName(d)[Prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var s), Step: s, Dir: d))
            .Where(x => x.Ok && File.Exists(Path.Combine(x.Dir, TrainerState.FileName)))
            .OrderBy(x => x.Step)
            .Select(x => (x.Step, x.Dir))
            .ToList();
    }

    /// <summary>Writes a folder through <paramref name="write"/> into a temporary sibling, then renames it into place.</summary>
    public static void WriteAtomically(string dir, Action<string> write)
    {
        string tmp = dir + ".tmp";
        if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        Directory.CreateDirectory(tmp);
        write(tmp);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.Move(tmp, dir);
    }

    /// <summary>Deletes all but the newest <paramref name="keep"/> checkpoint folders.</summary>
    public static void Prune(string outDir, int keep)
    {
        var all = Checkpoints(outDir);
        foreach (var (_, dir) in all.Take(Math.Max(0, all.Count - keep))) Directory.Delete(dir, recursive: true);
    }
}
