namespace Bard.Model;

/// <summary>The Hugging Face decoder families Bard loads (the <c>model_type</c> of config.json).</summary>
public enum ModelFamily
{
    /// <summary><c>llama</c>: optional attention and MLP bias, optional llama3 rope scaling.</summary>
    Llama,
    /// <summary><c>qwen2</c>: bias on q, k and v projections only.</summary>
    Qwen2,
    /// <summary><c>qwen3</c>: per-head RMSNorm on queries and keys before rope.</summary>
    Qwen3,
}
