using System.Globalization;
using System.Text;

namespace Bard.Cli;

/// <summary>One option of a command: its name (with the leading dashes), what it means and its default.</summary>
public sealed record OptionSpec(string Name, string Description)
{
    /// <summary>Default value as the user would type it; null means "no default" (optional unless <see cref="Required"/>).</summary>
    public string? Default { get; init; }
    /// <summary>A switch that takes no value (present = true).</summary>
    public bool IsFlag { get; init; }
    public bool Required { get; init; }
    /// <summary>Placeholder shown in help, e.g. DIR, N, FILE.</summary>
    public string ValueName { get; init; } = "VALUE";
}

/// <summary>A command's usage error (unknown option, missing value, bad number): exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// A CLI command: it declares its options and runs with parsed values. Commands only parse and print;
/// the science lives in the Bard library.
/// </summary>
public abstract class CliCommand
{
    public abstract string Name { get; }
    public abstract string Summary { get; }
    public abstract IReadOnlyList<OptionSpec> Options { get; }

    /// <summary>Runs the command; returns the process exit code.</summary>
    public abstract int Run(ParsedOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancel);

    public string Help()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"bard {Name}: {Summary}");
        sb.AppendLine();
        sb.AppendLine($"Usage: bard {Name} [options]");
        sb.AppendLine();
        sb.AppendLine("Options:");
        foreach (var o in Options.Append(new OptionSpec("--help", "Show this help.") { IsFlag = true }))
        {
            string head = o.IsFlag ? o.Name : $"{o.Name} {o.ValueName}";
            string tail = o.Required ? " (required)" : o.Default is not null ? $" (default: {o.Default})" : "";
            sb.AppendLine($"  {head,-28} {o.Description}{tail}");
        }
        return sb.ToString();
    }

    /// <summary>Parses <paramref name="args"/> (the arguments after the command name) against <see cref="Options"/>.</summary>
    public ParsedOptions Parse(IReadOnlyList<string> args)
    {
        var byName = Options.ToDictionary(o => o.Name, StringComparer.Ordinal);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string? inline = null;
            int eq = a.IndexOf('=');
            if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0) { inline = a[(eq + 1)..]; a = a[..eq]; }
            if (!byName.TryGetValue(a, out var spec))
                throw new UsageException($"bard {Name}: unknown option '{a}'. Run 'bard {Name} --help' for the options.");
            if (spec.IsFlag)
            {
                values[a] = inline ?? "true";
                continue;
            }
            if (inline is null)
            {
                if (i + 1 >= args.Count) throw new UsageException($"bard {Name}: option {a} needs a value ({spec.ValueName}).");
                inline = args[++i];
            }
            values[a] = inline;
        }
        foreach (var o in Options)
        {
            if (o.Required && !values.ContainsKey(o.Name))
                throw new UsageException($"bard {Name}: option {o.Name} is required. {o.Description}");
            if (!values.ContainsKey(o.Name) && o.Default is not null) values[o.Name] = o.Default;
        }
        return new ParsedOptions(Name, values);
    }
}

/// <summary>Parsed option values with typed accessors that report bad values by option name.</summary>
public sealed class ParsedOptions(string command, IReadOnlyDictionary<string, string> values)
{
    public bool Has(string name) => values.ContainsKey(name);

    public string? String(string name) => values.TryGetValue(name, out var v) ? v : null;

    public string RequiredString(string name) =>
        String(name) ?? throw new UsageException($"bard {command}: option {name} is required.");

    public bool Flag(string name) => values.TryGetValue(name, out var v) && v is "true" or "1" or "yes";

    public int Int(string name) => Parse(name, s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture), "an integer");

    public long Long(string name) => Parse(name, s => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture), "an integer");

    public double Double(string name) => Parse(name, s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture), "a number");

    public int[] IntList(string name) => Parse(name, s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(x => int.Parse(x, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToArray(), "a comma-separated list of integers");

    T Parse<T>(string name, Func<string, T> parse, string what)
    {
        string s = RequiredString(name);
        try { return parse(s); }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new UsageException($"bard {command}: option {name} must be {what}, got '{s}'.");
        }
    }
}
