using Bard.Data.Tasks;

namespace Bard.Data;

/// <summary>The tasks <c>--task NAME</c> knows, by name.</summary>
public static class ReasoningTasks
{
    /// <summary>The task used when none is named.</summary>
    public const string DefaultName = "embedded";

    /// <summary>Names of every task.</summary>
    public static IReadOnlyList<string> Names { get; } = [EmbeddedTask.TaskName];

    /// <summary>The task called <paramref name="name"/>; <paramref name="embedded"/> configures the embedded task (default: its defaults).</summary>
    public static IReasoningTask Create(string name, EmbeddedTaskOptions? embedded = null) => name switch
    {
        EmbeddedTask.TaskName => new EmbeddedTask(embedded ?? new EmbeddedTaskOptions()),
        _ => throw new BardException($"unknown task '{name}'. Known tasks: {string.Join(", ", Names)}."),
    };
}
