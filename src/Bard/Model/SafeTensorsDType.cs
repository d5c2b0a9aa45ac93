namespace Bard.Model;

/// <summary>
/// An element type of the safetensors format, spelled as in the file header (<c>"BF16"</c>, <c>"F32"</c>, ...).
/// Only the types Bard can read are listed; the 8-bit float types (<c>F8_E4M3</c>, <c>F8_E5M2</c>, ...)
/// are refused when a file is opened. Element sizes and the mapping to TorchSharp scalar types live in
/// <see cref="SafeTensorsDTypes"/>.
/// </summary>
public enum SafeTensorsDType
{
    /// <summary>Boolean, 1 byte (0 or 1).</summary>
    BOOL,
    /// <summary>Unsigned 8-bit integer.</summary>
    U8,
    /// <summary>Signed 8-bit integer.</summary>
    I8,
    /// <summary>Signed 16-bit integer.</summary>
    I16,
    /// <summary>Unsigned 16-bit integer (no TorchSharp scalar type: the header is read, the tensor cannot be loaded).</summary>
    U16,
    /// <summary>Signed 32-bit integer.</summary>
    I32,
    /// <summary>Unsigned 32-bit integer (no TorchSharp scalar type: the header is read, the tensor cannot be loaded).</summary>
    U32,
    /// <summary>Signed 64-bit integer.</summary>
    I64,
    /// <summary>Unsigned 64-bit integer (no TorchSharp scalar type: the header is read, the tensor cannot be loaded).</summary>
    U64,
    /// <summary>IEEE 754 half precision, 2 bytes.</summary>
    F16,
    /// <summary>Brain float 16 (the upper half of a float32), 2 bytes.</summary>
    BF16,
    /// <summary>IEEE 754 single precision, 4 bytes.</summary>
    F32,
    /// <summary>IEEE 754 double precision, 8 bytes.</summary>
    F64,
}
