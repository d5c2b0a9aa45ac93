namespace Bard.Data;

/// <summary>FNV-1a hashes that are the same in every process (unlike <see cref="string.GetHashCode()"/>), for seeding per-item randomness.</summary>
internal static class StableHash
{
    public static int Of(string text)
    {
        uint h = 2166136261;
        foreach (char c in text) { h ^= c; h *= 16777619; }
        return (int)(h & 0x7fffffff);
    }

    public static int Combine(int seed, int index) => Of($"{seed}/{index}");

    public static int Combine(int seed, string key) => Of($"{seed}/{key}");
}
