using Bard;

namespace Bard.Cli;

/// <summary>The `bard` executable: finds the command, parses its options, prints. Exit codes: 0 ok, 1 error, 2 usage.</summary>
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
        try
        {
            return command.Run(command.Parse(rest), stdout, stderr, cancel);
        }
        catch (UsageException e)
        {
            stderr.WriteLine(e.Message);
            return 2;
        }
        catch (BardException e)
        {
            stderr.WriteLine($"bard {command.Name}: error: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine($"bard {command.Name}: cancelled.");
            return 130;
        }
    }

    static string Help()
    {
        var lines = Commands.Select(c => $"  {c.Name,-16} {c.Summary}");
        return "bard: budget-aware reasoning distillation (BARD).\n\nUsage: bard <command> [options]\n\nCommands:\n"
            + string.Join("\n", lines)
            + "\n\nRun 'bard <command> --help' for a command's options and their defaults.\n";
    }
}
