using Bard;

namespace Bard.Cli;

/// <summary>
/// The `bard` executable: finds the command, parses its options, prints. Exit codes: 0 ok, 1 error (the message names
/// the file, field or fix), 2 usage, 70 an internal error (a bug: one line and a hint, never a stack trace), 130 cancelled.
/// </summary>
public static class Program
{
    /// <summary>Every command, in the order `bard --help` lists them.</summary>
    public static IReadOnlyList<CliCommand> Commands { get; } =
    [
        new DemoCommand(),
        new DataSynthCommand(),
        new TeachCommand(),
        new CompressCommand(),
        new DataImportCommand(),
        new DataBuildCommand(),
        new DataStatsCommand(),
        new SftCommand(),
        new RlCommand(),
        new EvalCommand(),
        new ScoreCommand(),
        new GenerateCommand(),
        new BenchCommand(),
        new TokenizeCommand(),
        new CheckAnswerCommand(),
        new ServeCommand(),
        new LoraMergeCommand(),
        new RewardServeCommand(),
    ];

    public static int Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        return Run(args, Console.Out, Console.Error, cancel.Token);
    }

    /// <summary>Runs one command line in-process (the tests call this directly).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancel = default)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            stdout.Write(Help());
            return args.Length == 0 ? 2 : 0;
        }
        if (args[0] == "--version")
        {
            stdout.WriteLine(typeof(Program).Assembly.GetName().Version);
            return 0;
        }
        var command = Commands.FirstOrDefault(c => c.Name == args[0]);
        int skip = 1;
        // Two-word commands ("data synth") are registered under their full name.
        if (command is null && args.Length > 1)
        {
            command = Commands.FirstOrDefault(c => c.Name == $"{args[0]} {args[1]}");
            skip = 2;
        }
        if (command is null)
        {
            stderr.WriteLine($"bard: unknown command '{args[0]}'. Run 'bard --help' for the commands.");
            return 2;
        }
        var rest = args.Skip(skip).ToArray();
        if (rest.Contains("--help") || rest.Contains("-h"))
        {
            stdout.Write(command.Help());
            return 0;
        }
        ParsedOptions? parsed = null;
        return Guarded(command.Name, () => command.Run(parsed = command.Parse(rest), stdout, stderr, cancel), stderr, () => parsed?.String("--out"));
    }

    /// <summary>
    /// Runs a command's body and turns every exception into its exit code and one line on <paramref name="stderr"/>:
    /// usage 2, Bard's own errors 1, a full disk 1 (with what is intact and how to resume), cancellation 130, anything
    /// else 70 (an internal error: a bug, reported without a stack trace unless BARD_DEBUG=1).
    /// </summary>
    /// <param name="outDir">The command's --out (as parsed, defaults included), if it has one: a full disk's message says how
    /// much space is left there and, for sft and rl, which checkpoint is the last complete one.</param>
    public static int Guarded(string name, Func<int> body, TextWriter stderr, Func<string?>? outDir = null)
    {
        try
        {
            return body();
        }
        catch (UsageException e)
        {
            stderr.WriteLine(e.Message);
            return 2;
        }
        catch (BardException e)
        {
            stderr.WriteLine($"bard {name}: error: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine($"bard {name}: cancelled.");
            return 130;
        }
        catch (IOException e) when (IsDiskFull(e))
        {
            string? dir = outDir?.Invoke();
            stderr.WriteLine($"bard {name}: error: the disk is full ({e.Message}).{SpaceLeft(dir)} What was written before is intact: outputs are "
                + $"appended record by record and checkpoints are written to a temporary folder and renamed.{LastCheckpoint(name, dir)} Free some space "
                + "and run the same command again (sft and rl: add --resume; teach, compress, data import and data synth resume by themselves; eval writes its outputs at the end and starts over).");
            return 1;
        }
        catch (Exception e)
        {
            // A bug of Bard's, not a mistake of the user's: one line, no stack trace on the terminal, a way to report it.
            stderr.WriteLine($"bard {name}: internal error: {e.GetType().Name}: {FirstLine(e.Message)}. This is a bug in Bard; "
                + "please report it with the command line (set BARD_DEBUG=1 for the stack trace).");
            if (Environment.GetEnvironmentVariable("BARD_DEBUG") == "1") stderr.WriteLine(e);
            return 70;
        }
    }

    /// <summary>" N MB are free on the disk of OUT." — empty when there is no --out or its drive cannot be read.</summary>
    static string SpaceLeft(string? outDir)
    {
        try
        {
            if (outDir is null) return "";
            var drive = new DriveInfo(Path.GetFullPath(outDir));
            return $" {drive.AvailableFreeSpace / (1024.0 * 1024.0):F0} MB are free on the disk of {outDir}.";
        }
        catch (Exception) { return ""; } // the message must not fail on its own account
    }

    /// <summary>For sft and rl: " The last complete checkpoint is OUT/checkpoint-N." (or that there is none yet).</summary>
    static string LastCheckpoint(string name, string? outDir)
    {
        if (name is not ("sft" or "rl") || outDir is null) return "";
        try
        {
            var all = Training.RunFolder.Checkpoints(outDir); // the ones --resume would consider
            return all.Count == 0 ? $" There is no complete checkpoint in {outDir} yet (--resume starts from scratch)." : $" The last complete checkpoint is {all[^1].Dir}.";
        }
        catch (Exception) { return ""; } // the message must not fail on its own account
    }

    /// <summary>ENOSPC (28) or ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows.</summary>
    static bool IsDiskFull(IOException e) => (OperatingSystem.IsWindows() ? (e.HResult & 0xFFFF) is 39 or 112 : e.HResult == 28)
        || e.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase);

    static string FirstLine(string message)
    {
        int nl = message.IndexOf('\n');
        return (nl < 0 ? message : message[..nl]).TrimEnd();
    }

    static string Help()
    {
        var lines = Commands.Select(c => $"  {c.Name,-16} {c.Summary}");
        return "bard: budget-aware reasoning distillation (BARD).\n\nUsage: bard <command> [options]\n\nCommands:\n"
            + string.Join("\n", lines)
            + "\n\nRun 'bard <command> --help' for a command's options and their defaults.\n";
    }
}
