namespace Bard.Tests;

/// <summary>Polling for a condition another thread makes true: bounded, as a guard against a hang, never a timing assertion.</summary>
public static class Eventually
{
    /// <summary>Returns once <paramref name="condition"/> holds; fails naming <paramref name="what"/> after 60 s.</summary>
    public static async Task Until(Func<bool> condition, string what)
    {
        for (var guard = System.Diagnostics.Stopwatch.StartNew(); !condition(); await Task.Delay(5))
            Assert.True(guard.Elapsed < TimeSpan.FromSeconds(60), $"not within 60 s: {what}");
    }
}
