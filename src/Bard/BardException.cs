namespace Bard;

/// <summary>
/// An error the user can fix: bad input, a file that is not what it claims, an option out of range.
/// The message names the file, line, field or option and says how to fix it; the CLI prints it
/// without a stack trace. Bugs in Bard are never reported with this type.
/// </summary>
public class BardException : Exception
{
    public BardException(string message) : base(message) { }
    public BardException(string message, Exception inner) : base(message, inner) { }
}
