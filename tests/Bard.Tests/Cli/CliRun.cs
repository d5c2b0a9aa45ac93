using Bard.Cli;

namespace Bard.Tests.Cli;

/// <summary>Runs one `bard` command line in-process and captures its exit code, stdout and stderr.</summary>
public static class CliRun
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }
}
