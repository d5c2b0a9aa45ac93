namespace Bard.Data;

/// <summary>Problems by id, for files that refer to them (samples, traces, evaluation outputs).</summary>
public static class ProblemIndex
{
    /// <summary>
    /// The problems keyed by id; a duplicate id is an error naming <paramref name="source"/> and the id, since every
    /// record that refers to it (a trace, a sample, an evaluation row) would be ambiguous.
    /// </summary>
    public static Dictionary<string, Problem> ById(IEnumerable<Problem> problems, string source)
    {
        var byId = new Dictionary<string, Problem>(StringComparer.Ordinal);
        int index = 0;
        foreach (var p in problems)
        {
            index++;
            if (!byId.TryAdd(p.Id, p))
                throw new BardException($"{source}: problem id '{p.Id}' appears more than once (again in record {index}); "
                    + "ids must be unique. Remove or rename the duplicate.");
        }
        return byId;
    }
}
