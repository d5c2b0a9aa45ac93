using Bard.Rl;
using Bard.Text;

namespace Bard.Serving;

/// <summary>Settings of <see cref="RewardServer"/> (<c>bard reward-serve</c>). Immutable; <see cref="Validate"/> names the bad field.</summary>
public sealed record RewardServeOptions
{
    /// <summary>Address to bind. Default 127.0.0.1.</summary>
    public string Host { get; init; } = "127.0.0.1";
    /// <summary>TCP port; 0 picks a free one. Default 5000 (OpenRLHF's examples use it for remote reward models).</summary>
    public int Port { get; init; } = 5000;
    /// <summary>When set, requests must send <c>Authorization: Bearer KEY</c>, else 401 (for a server bound beyond loopback). Default none.</summary>
    public string? ApiKey { get; init; }
    /// <summary>Largest request body in bytes (a rollout batch of long completions is large). Default 64 MiB.</summary>
    public long MaxBodyBytes { get; init; } = 64L << 20;
    /// <summary>
    /// Longest response (the query after its prompt) scored, in characters: 413 above, naming the sample. Counting a
    /// response's thinking tokens costs memory in proportion to its length (a 60 MB response took 2.4 GB), and no RL
    /// rollout is near the default of 1,000,000 characters (a 32k-token completion is ~130k).
    /// </summary>
    public int MaxResponseChars { get; init; } = 1_000_000;
    /// <summary>Longest a request may take end to end (reading its body: 408; scoring: 504). Default 10 minutes.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>The BARD reward's settings. Default <see cref="RewardConfig"/>'s defaults.</summary>
    public RewardConfig Reward { get; init; } = new();
    /// <summary>How the budget was written into prompts and how thinking is delimited. Default <see cref="BudgetPromptFormat.Default"/>.</summary>
    public BudgetPromptFormat Format { get; init; } = BudgetPromptFormat.Default;
    /// <summary>Text removed from the end of a response before scoring (end-of-turn and padding tokens the trainer decoded). Default ChatML's, Llama's and common padding.</summary>
    public IReadOnlyList<string> TrailingTokens { get; init; } = ["<|im_end|>", "<|endoftext|>", "<|eot_id|>", "</s>", "<pad>"];

    /// <summary>Throws <see cref="BardException"/> naming the first invalid field; returns this.</summary>
    public RewardServeOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(Host)) throw new BardException("RewardServeOptions.Host must be an address such as 127.0.0.1.");
        if (Port is < 0 or > 65535) throw new BardException($"RewardServeOptions.Port must be in 0..65535, got {Port}.");
        if (ApiKey is not null && string.IsNullOrWhiteSpace(ApiKey)) throw new BardException("RewardServeOptions.ApiKey must not be empty or whitespace (no client could send it); leave it out for an open server.");
        if (MaxBodyBytes < 1024) throw new BardException($"RewardServeOptions.MaxBodyBytes must be ≥ 1024, got {MaxBodyBytes}.");
        if (MaxResponseChars < 1) throw new BardException($"RewardServeOptions.MaxResponseChars must be ≥ 1, got {MaxResponseChars}.");
        if (RequestTimeout <= TimeSpan.Zero || RequestTimeout.TotalMilliseconds >= uint.MaxValue - 1)
            throw new BardException($"RewardServeOptions.RequestTimeout must be positive and under 49 days (a timer's range), got {RequestTimeout.TotalSeconds} s.");
        Reward.Validate();
        Format.Validate();
        return this;
    }
}
