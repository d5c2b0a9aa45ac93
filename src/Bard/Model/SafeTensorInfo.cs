namespace Bard.Model;

/// <summary>
/// One tensor's entry in a safetensors header: name, element type, shape and byte range.
/// <paramref name="Begin"/> and <paramref name="End"/> are offsets relative to the start of the data section
/// (the byte after the header), end exclusive, exactly as in the header's <c>data_offsets</c>.
/// Instances from <see cref="SafeTensorsFile"/> are validated: <c>End - Begin == ElementCount * element size</c>.
/// </summary>
/// <param name="Name">Tensor name as written in the header, e.g. <c>model.embed_tokens.weight</c>.</param>
/// <param name="DType">Element type stored in the file.</param>
/// <param name="Shape">Dimensions, outermost first; empty for a scalar. Do not modify.</param>
/// <param name="Begin">First byte, relative to the data section.</param>
/// <param name="End">One past the last byte, relative to the data section.</param>
public sealed record SafeTensorInfo(string Name, SafeTensorsDType DType, long[] Shape, long Begin, long End)
{
    /// <summary>Number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (product, dim) => product * dim);

    /// <summary>Number of bytes in the file: <c>End - Begin</c>.</summary>
    public long ByteLength => End - Begin;

    /// <summary>The shape as <c>[1024, 128]</c>, for messages.</summary>
    public string ShapeText => FormatShape(Shape);

    /// <summary>Formats a shape as <c>[1024, 128]</c> (<c>[]</c> for a scalar).</summary>
    public static string FormatShape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
