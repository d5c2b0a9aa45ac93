namespace Bard.Model;

/// <summary>
/// The CPU this process runs on, as Linux's <c>/proc/cpuinfo</c> describes it: its model name and feature flags. What
/// decides <see cref="Training.Precision.Auto"/> and what benchmarks print next to every figure. Off Linux, or when the
/// file cannot be read, the model is "unknown" and no flag is set (so nothing is assumed to be fast).
/// </summary>
public sealed record CpuInfo(string Model, IReadOnlySet<string> Flags)
{
    /// <summary>AMX tiles with bf16 (Intel Sapphire Rapids and later): oneDNN's fastest bf16 matmul on a CPU.</summary>
    public bool Amx => Flags.Contains("amx_bf16") && Flags.Contains("amx_tile");
    /// <summary>AVX-512 Foundation.</summary>
    public bool Avx512 => Flags.Contains("avx512f");
    /// <summary>AVX512-BF16 (AMD Zen 4 and later, Intel Cooper Lake and later): bf16 dot products in hardware.</summary>
    public bool Avx512Bf16 => Flags.Contains("avx512_bf16");
    /// <summary>
    /// Whether libtorch's bf16 matmul runs in hardware here (AMX or AVX512-BF16). Without either it is emulated and
    /// far slower than float32: measured on 2 cores of an AMD EPYC without them (family 23, model 49: AVX2 only), the
    /// embedded-task student's SFT ran at 93 tokens/s in bf16 against 2,556 in fp32.
    /// </summary>
    public bool NativeBf16 => Amx || Avx512Bf16;

    /// <summary>This machine's CPU, read once.</summary>
    public static CpuInfo Current { get; } = Read("/proc/cpuinfo");

    /// <summary>Reads <paramref name="path"/> (a <c>/proc/cpuinfo</c>); an unreadable or missing file gives an unknown CPU without flags.</summary>
    public static CpuInfo Read(string path)
    {
        try { return File.Exists(path) ? Parse(File.ReadAllText(path)) : Unknown; }
        catch (IOException) { return Unknown; }
        catch (UnauthorizedAccessException) { return Unknown; }
    }

    static CpuInfo Unknown => new("unknown", new HashSet<string>());

    /// <summary>The first processor's <c>model name</c> and <c>flags</c> (x86) or <c>Features</c> (Arm) of a <c>/proc/cpuinfo</c> text.</summary>
    public static CpuInfo Parse(string text)
    {
        string? model = null, flags = null;
        foreach (var raw in text.Split('\n'))
        {
            int colon = raw.IndexOf(':');
            if (colon < 0) continue;
            string key = raw[..colon].Trim(), value = raw[(colon + 1)..].Trim();
            if (model is null && key is "model name" or "Model" or "Hardware") model = value;
            else if (flags is null && key is "flags" or "Features") flags = value;
            if (model is not null && flags is not null) break;
        }
        var set = new HashSet<string>((flags ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
        return new CpuInfo(string.IsNullOrEmpty(model) ? "unknown" : model, set);
    }

    /// <summary>One line for logs and reports, e.g. "AMD EPYC 7B12 (AVX2; no native bf16)".</summary>
    public string Describe()
    {
        var has = new List<string>();
        if (Amx) has.Add("AMX");
        if (Avx512) has.Add("AVX-512");
        if (Avx512Bf16) has.Add("AVX512-BF16");
        if (!Avx512 && Flags.Contains("avx2")) has.Add("AVX2");
        string missing = NativeBf16 ? "" : (has.Count > 0 ? "; " : "") + "no native bf16";
        return $"{Model} ({string.Join(", ", has)}{missing})";
    }
}
