using Bard.Model;
using TorchSharp;

namespace Bard.Tests.Model;

public class SafeTensorsDTypesTests
{
    public static TheoryData<SafeTensorsDType, int, torch.ScalarType?> Table => new()
    {
        { SafeTensorsDType.BOOL, 1, torch.ScalarType.Bool },
        { SafeTensorsDType.U8, 1, torch.ScalarType.Byte },
        { SafeTensorsDType.I8, 1, torch.ScalarType.Int8 },
        { SafeTensorsDType.I16, 2, torch.ScalarType.Int16 },
        { SafeTensorsDType.U16, 2, null },
        { SafeTensorsDType.I32, 4, torch.ScalarType.Int32 },
        { SafeTensorsDType.U32, 4, null },
        { SafeTensorsDType.I64, 8, torch.ScalarType.Int64 },
        { SafeTensorsDType.U64, 8, null },
        { SafeTensorsDType.F16, 2, torch.ScalarType.Float16 },
        { SafeTensorsDType.BF16, 2, torch.ScalarType.BFloat16 },
        { SafeTensorsDType.F32, 4, torch.ScalarType.Float32 },
        { SafeTensorsDType.F64, 8, torch.ScalarType.Float64 },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void DType_SizeAndScalarType_MatchTable(SafeTensorsDType dtype, int size, torch.ScalarType? scalarType)
    {
        Assert.Equal(size, dtype.ElementSize());
        Assert.Equal(scalarType is not null, dtype.TryToScalarType(out var mapped));
        if (scalarType is { } expected)
        {
            Assert.Equal(expected, mapped);
            Assert.Equal(expected, dtype.ToScalarType());
            Assert.Equal(dtype, SafeTensorsDTypes.FromScalarType(expected));
            using var tensor = torch.empty(3, expected);
            Assert.Equal(size, tensor.ElementSize); // the table agrees with libtorch
        }
        else
        {
            Assert.Contains(dtype.ToString(), Assert.Throws<BardException>(() => dtype.ToScalarType()).Message);
        }
        Assert.True(SafeTensorsDTypes.TryParse(dtype.ToString(), out var parsed));
        Assert.Equal(dtype, parsed);
    }

    [Theory]
    [InlineData("bf16")]
    [InlineData("F8_E4M3")]
    [InlineData("10")]
    [InlineData("")]
    public void TryParse_NotAHeaderSpelling_Fails(string name) => Assert.False(SafeTensorsDTypes.TryParse(name, out _));

    [Fact]
    public void FromScalarType_Complex_ThrowsNamingType()
    {
        var e = Assert.Throws<BardException>(() => SafeTensorsDTypes.FromScalarType(torch.ScalarType.ComplexFloat32));
        Assert.Contains("ComplexFloat32", e.Message);
    }
}
