namespace Bard.Cli;

/// <summary>`bard demo`: the whole BARD method on the embedded task, offline (not built yet).</summary>
public sealed class DemoCommand : CliCommand
{
    public override string Name => "demo";
    public override string Summary => "Run BARD end to end on the embedded task and write a report (not built yet).";
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--out", "Run folder for checkpoints, metrics and the report.") { Default = "runs/demo", ValueName = "DIR" },
        new("--quick", "A run of about 3 minutes instead of 20.") { IsFlag = true },
    ];

    public override int Run(ParsedOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        stderr.WriteLine("bard demo: the end-to-end demo is not built yet (it arrives with the evaluation issue). "
            + "Available now: bard score, bard generate; see 'bard --help'.");
        return 3;
    }
}
