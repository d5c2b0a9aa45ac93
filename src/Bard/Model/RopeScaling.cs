namespace Bard.Model;

/// <summary>How rotary frequencies are computed.</summary>
public enum RopeType
{
    /// <summary>inv_freq = 1 / theta^(2i/d).</summary>
    Default,
    /// <summary>Llama 3.1 frequency-dependent scaling (low frequencies divided by <see cref="RopeScaling.Factor"/>, a smooth ramp in between).</summary>
    Llama3,
}

/// <summary>Rotary embedding parameters, from <c>rope_theta</c>/<c>rope_scaling</c> (hub style) or <c>rope_parameters</c> (transformers v5).</summary>
public sealed record RopeScaling
{
    public RopeType Type { get; init; } = RopeType.Default;
    /// <summary>Base of the geometric frequency progression (<c>rope_theta</c>). Default 10000.</summary>
    public double Theta { get; init; } = 10000.0;
    /// <summary>llama3: divisor for low frequencies (<c>factor</c>).</summary>
    public double Factor { get; init; } = 1.0;
    /// <summary>llama3: <c>low_freq_factor</c>.</summary>
    public double LowFreqFactor { get; init; } = 1.0;
    /// <summary>llama3: <c>high_freq_factor</c>.</summary>
    public double HighFreqFactor { get; init; } = 4.0;
    /// <summary>llama3: <c>original_max_position_embeddings</c>, the context the base model was trained at.</summary>
    public int OriginalMaxPositionEmbeddings { get; init; } = 8192;
}
