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

    /// <summary>Value equality, comparing <see cref="Shape"/> element by element (a record would compare the array reference).</summary>
    public bool Equals(SafeTensorInfo? other) =>
        other is not null && Name == other.Name && DType == other.DType && Begin == other.Begin && End == other.End
        && Shape.AsSpan().SequenceEqual(other.Shape);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, DType, Begin, End, Shape.Length);

    /// <summary>Prints the shape's dimensions rather than <c>System.Int64[]</c>.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Name = {Name}, DType = {DType}, Shape = {ShapeText}, Begin = {Begin}, End = {End}");
        return true;
    }

    /// <summary>Formats a shape as <c>[1024, 128]</c> (<c>[]</c> for a scalar).</summary>
    public static string FormatShape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
