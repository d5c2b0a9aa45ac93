namespace Bard.Data;

/// <summary>What a JSONL reader does with a line it cannot read as a record.</summary>
public enum BadRecordPolicy
{
    /// <summary>Throw a <see cref="BardException"/> naming the file, line and field (the default).</summary>
    Stop,

    /// <summary>Skip the line, count it and remember the first few messages (<c>--skip-bad</c>).</summary>
    Skip,
}
