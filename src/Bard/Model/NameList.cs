namespace Bard.Model;

/// <summary>Formats lists of names for error messages: the first few, then how many more.</summary>
internal static class NameList
{
    /// <summary>How many names a message lists before it says "and N more".</summary>
    internal const int MaxShown = 10;

    /// <summary><c>a, b, c</c>, or <c>a, b, ... and 12 more</c> past <see cref="MaxShown"/>.</summary>
    internal static string Format(IReadOnlyCollection<string> names, int maxShown = MaxShown) =>
        names.Count <= maxShown
            ? string.Join(", ", names)
            : string.Join(", ", names.Take(maxShown)) + $", ... and {names.Count - maxShown} more";
}
