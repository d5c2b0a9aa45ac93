using System.Text;
using Bard.Model;

namespace Bard.Tests.Model;

public class HeaderJsonTests
{
    // serde_json escapes: quotes, backslashes, short escapes, \u00XX for other control characters; non-ASCII stays UTF-8.
    [Theory]
    [InlineData("w", "{\"w\":")]
    [InlineData("q\"b\\", "{\"q\\\"b\\\\\":")]
    [InlineData("t\tn\n", "{\"t\\tn\\n\":")]
    [InlineData("x\u0001\u007f", "{\"x\\u0001\u007f\":")]
    [InlineData("é", "{\"é\":")]
    public void Serialize_Names_EscapedAsSerdeJson(string name, string prefix)
    {
        var json = Encoding.UTF8.GetString(HeaderJson.Serialize([new SafeTensorInfo(name, SafeTensorsDType.I8, [2], 0, 2)], new Dictionary<string, string>()));
        Assert.Equal(prefix + "{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[0,2]}}", json);
    }

    [Fact]
    public void Serialize_Metadata_FirstAndSortedByKey()
    {
        var metadata = new Dictionary<string, string> { ["z"] = "1", ["a"] = "2" };
        var json = Encoding.UTF8.GetString(HeaderJson.Serialize([new SafeTensorInfo("s", SafeTensorsDType.F64, [], 0, 8)], metadata));
        Assert.Equal("{\"__metadata__\":{\"a\":\"2\",\"z\":\"1\"},\"s\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[0,8]}}", json);
    }
}
