using TorchSharp;

namespace Bard.Model;

/// <summary>
/// Facts about <see cref="SafeTensorsDType"/>: header spelling, element size in bytes, and the mapping to and
/// from <see cref="torch.ScalarType"/>. Pure functions; knows nothing about files.
/// </summary>
public static class SafeTensorsDTypes
{
    /// <summary>All supported types, in declaration order.</summary>
    public static IReadOnlyList<SafeTensorsDType> All { get; } = Enum.GetValues<SafeTensorsDType>();

    /// <summary>The supported header spellings, comma separated, for error messages.</summary>
    public static string SupportedNames { get; } = string.Join(", ", All);

    /// <summary>Size of one element in bytes (1 for BOOL, U8, I8; 2 for I16, U16, F16, BF16; 4 for I32, U32, F32; 8 for I64, U64, F64).</summary>
    public static int ElementSize(this SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.BOOL or SafeTensorsDType.U8 or SafeTensorsDType.I8 => 1,
        SafeTensorsDType.I16 or SafeTensorsDType.U16 or SafeTensorsDType.F16 or SafeTensorsDType.BF16 => 2,
        SafeTensorsDType.I32 or SafeTensorsDType.U32 or SafeTensorsDType.F32 => 4,
        SafeTensorsDType.I64 or SafeTensorsDType.U64 or SafeTensorsDType.F64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a safetensors dtype"),
    };

    /// <summary>Parses a header spelling (case-sensitive, as the format requires: <c>"BF16"</c>, not <c>"bf16"</c>).</summary>
    public static bool TryParse(string name, out SafeTensorsDType dtype)
    {
        // Enum.TryParse would also accept numbers ("3") and different case; the format does not.
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.ToString(), name, StringComparison.Ordinal))
            {
                dtype = candidate;
                return true;
            }
        }
        dtype = default;
        return false;
    }

    /// <summary>The TorchSharp scalar type with the same bit layout; false for U16, U32, U64, which TorchSharp 0.107 lacks.</summary>
    public static bool TryToScalarType(this SafeTensorsDType dtype, out torch.ScalarType scalarType)
    {
        torch.ScalarType? mapped = dtype switch
        {
            SafeTensorsDType.BOOL => torch.ScalarType.Bool,
            SafeTensorsDType.U8 => torch.ScalarType.Byte,
            SafeTensorsDType.I8 => torch.ScalarType.Int8,
            SafeTensorsDType.I16 => torch.ScalarType.Int16,
            SafeTensorsDType.I32 => torch.ScalarType.Int32,
            SafeTensorsDType.I64 => torch.ScalarType.Int64,
            SafeTensorsDType.F16 => torch.ScalarType.Float16,
            SafeTensorsDType.BF16 => torch.ScalarType.BFloat16,
            SafeTensorsDType.F32 => torch.ScalarType.Float32,
            SafeTensorsDType.F64 => torch.ScalarType.Float64,
            _ => null,
        };
        scalarType = mapped ?? default;
        return mapped is not null;
    }

    /// <summary>The TorchSharp scalar type with the same bit layout.</summary>
    /// <exception cref="BardException">For U16, U32, U64, which TorchSharp 0.107 cannot hold.</exception>
    public static torch.ScalarType ToScalarType(this SafeTensorsDType dtype) =>
        dtype.TryToScalarType(out var scalarType)
            ? scalarType
            : throw new BardException(
                $"safetensors dtype {dtype} has no TorchSharp scalar type (TorchSharp has no unsigned 16/32/64-bit tensors); " +
                "convert the tensor to a signed or float type before saving it.");

    /// <summary>The safetensors type of a TorchSharp scalar type; false for complex and quantized types.</summary>
    public static bool TryFromScalarType(torch.ScalarType scalarType, out SafeTensorsDType dtype)
    {
        foreach (var candidate in All)
        {
            if (candidate.TryToScalarType(out var mapped) && mapped == scalarType)
            {
                dtype = candidate;
                return true;
            }
        }
        dtype = default;
        return false;
    }

    /// <summary>The safetensors type of a TorchSharp scalar type.</summary>
    /// <exception cref="BardException">For complex and quantized types, which safetensors cannot store.</exception>
    public static SafeTensorsDType FromScalarType(torch.ScalarType scalarType) =>
        TryFromScalarType(scalarType, out var dtype)
            ? dtype
            : throw new BardException($"TorchSharp scalar type {scalarType} cannot be stored in safetensors (supported: {SupportedNames}).");

    /// <summary>
    /// The position of the type in the Rust <c>safetensors</c> crate's <c>Dtype</c> enum, which is ordered by
    /// increasing alignment. Writers sort tensors by descending rank, then by name, so every tensor starts
    /// aligned to its element size and the bytes match what Python's <c>save_file</c> writes.
    /// </summary>
    internal static int SerializationRank(this SafeTensorsDType dtype) => dtype switch
    {
        // Rust order: BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64.
        SafeTensorsDType.BOOL => 0,
        SafeTensorsDType.U8 => 1,
        SafeTensorsDType.I8 => 2,
        SafeTensorsDType.I16 => 5,
        SafeTensorsDType.U16 => 6,
        SafeTensorsDType.F16 => 7,
        SafeTensorsDType.BF16 => 8,
        SafeTensorsDType.I32 => 9,
        SafeTensorsDType.U32 => 10,
        SafeTensorsDType.F32 => 11,
        SafeTensorsDType.F64 => 12,
        SafeTensorsDType.I64 => 13,
        SafeTensorsDType.U64 => 14,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a safetensors dtype"),
    };
}
