using System.Text.Json;
using System.Text.Unicode;

namespace Bard.Model;

/// <summary>
/// Parses and validates the JSON header of a safetensors file, following the rules of the reference Rust crate:
/// known dtypes, non-negative shapes, <c>data_offsets</c> that tile the data section exactly (no overlap, no gap,
/// nothing past its end) and byte lengths equal to element count × element size.
/// Works on the header bytes and the data-section length only; knows nothing about tensors or torch.
/// </summary>
internal sealed class SafeTensorsHeader
{
    /// <summary>The largest header accepted, as in the Rust crate (100 MB).</summary>
    internal const long MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    private readonly string _path;

    private SafeTensorsHeader(string path) => _path = path;

    internal Dictionary<string, SafeTensorInfo> Tensors { get; } = new(StringComparer.Ordinal);

    internal Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Parses <paramref name="json"/>; <paramref name="dataLength"/> is the size of the data section in bytes.</summary>
    /// <exception cref="BardException">The header is malformed; the message names the file and the tensor.</exception>
    internal static SafeTensorsHeader Parse(string path, ReadOnlyMemory<byte> json, long dataLength)
    {
        var header = new SafeTensorsHeader(path);
        // JsonDocument checks UTF-8 only when a string is decoded; check it all up front, as the Rust crate does.
        if (!Utf8.IsValid(json.Span))
        {
            throw header.Fail("the header is not valid UTF-8", "the file is corrupt or not a safetensors file; re-download or re-save it");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw header.Fail($"the header is not valid JSON ({e.Message})", "the file is corrupt or not a safetensors file; re-download or re-save it");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw header.Fail($"the header is a JSON {document.RootElement.ValueKind}, not an object", "the file is not a safetensors file");
            }
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                {
                    header.ReadMetadata(property.Value);
                }
                else
                {
                    var info = header.ReadTensor(property.Name, property.Value, dataLength);
                    if (!header.Tensors.TryAdd(info.Name, info))
                    {
                        throw header.Fail($"tensor '{info.Name}' appears twice in the header", "re-save the checkpoint");
                    }
                }
            }
        }
        header.CheckTiling(dataLength);
        return header;
    }

    private void ReadMetadata(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Fail($"'{MetadataKey}' is a JSON {element.ValueKind}, not an object of strings", "re-save the checkpoint");
        }
        foreach (var entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw Fail($"'{MetadataKey}' entry '{entry.Name}' is a JSON {entry.Value.ValueKind}; safetensors metadata values must be strings", "re-save the checkpoint");
            }
            Metadata[entry.Name] = entry.Value.GetString()!;
        }
    }

    private SafeTensorInfo ReadTensor(string name, JsonElement element, long dataLength)
    {
        const string fix = "the file is corrupt or was written by a broken tool; re-download or re-save it";
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Fail($"tensor '{name}': entry is a JSON {element.ValueKind}, not an object with dtype, shape and data_offsets", fix);
        }
        if (!element.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw Fail($"tensor '{name}': missing string field 'dtype'", fix);
        }
        var dtypeName = dtypeElement.GetString()!;
        if (!SafeTensorsDTypes.TryParse(dtypeName, out var dtype))
        {
            throw Fail($"tensor '{name}': unknown or unsupported dtype '{dtypeName}' (supported: {SafeTensorsDTypes.SupportedNames})",
                "convert the checkpoint to one of the supported dtypes (8-bit float checkpoints are not supported)");
        }

        if (!element.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw Fail($"tensor '{name}': missing array field 'shape'", fix);
        }
        var shape = new long[shapeElement.GetArrayLength()];
        var index = 0;
        foreach (var dimElement in shapeElement.EnumerateArray())
        {
            if (dimElement.ValueKind != JsonValueKind.Number || !dimElement.TryGetInt64(out var dim))
            {
                throw Fail($"tensor '{name}': shape {shapeElement.GetRawText()} has a dimension that is not an integer", fix);
            }
            if (dim < 0)
            {
                throw Fail($"tensor '{name}': shape {shapeElement.GetRawText()} has a negative dimension", fix);
            }
            shape[index++] = dim;
        }

        if (!element.TryGetProperty("data_offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array
            || offsetsElement.GetArrayLength() != 2
            || !TryGetOffset(offsetsElement[0], out var begin) || !TryGetOffset(offsetsElement[1], out var end))
        {
            var seen = element.TryGetProperty("data_offsets", out var raw) ? raw.GetRawText() : "nothing";
            throw Fail($"tensor '{name}': data_offsets must be two non-negative integers [begin, end], found {seen}", fix);
        }
        if (end < begin)
        {
            throw Fail($"tensor '{name}': data_offsets [{begin}, {end}] end before they begin", fix);
        }
        if (end > dataLength)
        {
            throw Fail($"tensor '{name}': data_offsets [{begin}, {end}] reach past the end of the data section ({dataLength} bytes)",
                "the file is truncated; re-download it");
        }

        long expected;
        try
        {
            expected = checked(shape.Aggregate(1L, (product, dim) => product * dim) * dtype.ElementSize());
        }
        catch (OverflowException)
        {
            throw Fail($"tensor '{name}': shape {SafeTensorInfo.FormatShape(shape)} overflows a 64-bit byte count", fix);
        }
        if (end - begin != expected)
        {
            throw Fail($"tensor '{name}': data_offsets [{begin}, {end}] hold {end - begin} bytes, but shape {SafeTensorInfo.FormatShape(shape)} of {dtype} needs {expected}", fix);
        }
        return new SafeTensorInfo(name, dtype, shape, begin, end);
    }

    private static bool TryGetOffset(JsonElement element, out long value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value) && value >= 0;
    }

    /// <summary>The tensors, in byte order, must cover the data section exactly once (the Rust crate's rule).</summary>
    private void CheckTiling(long dataLength)
    {
        const string fix = "the file is corrupt or was written by a broken tool; re-save it";
        long covered = 0;
        SafeTensorInfo? previous = null;
        foreach (var info in Tensors.Values.OrderBy(t => t.Begin).ThenBy(t => t.End).ThenBy(t => t.Name, StringComparer.Ordinal))
        {
            if (info.Begin < covered)
            {
                throw Fail($"tensors '{previous!.Name}' [{previous.Begin}, {previous.End}] and '{info.Name}' [{info.Begin}, {info.End}] overlap", fix);
            }
            if (info.Begin > covered)
            {
                throw Fail($"bytes [{covered}, {info.Begin}) of the data section, before tensor '{info.Name}', belong to no tensor (a gap)", fix);
            }
            covered = info.End;
            previous = info;
        }
        if (covered != dataLength)
        {
            throw Fail($"bytes [{covered}, {dataLength}) at the end of the data section belong to no tensor (a gap, or trailing bytes)", fix);
        }
    }

    private BardException Fail(string problem, string fix) =>
        new($"Invalid safetensors file '{_path}': {problem}. Fix: {fix}.");
}
