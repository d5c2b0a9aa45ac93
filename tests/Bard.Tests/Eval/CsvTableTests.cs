using Bard.Eval;

namespace Bard.Tests.Eval;

public class CsvTableTests
{
    [Theory]
    [InlineData("a,b\n1,2\n", "1|2")]
    [InlineData("a,b\r\n\"x,y\",2\r\n", "x,y|2")]
    [InlineData("a,b\n\"say \"\"hi\"\"\",\"\"\n", "say \"hi\"|")]
    [InlineData("a,b\n\"two\nlines\",z", "two\nlines|z")]
    [InlineData("\uFEFFa,b\n1,2", "1|2")]
    public void Parse_OneRow(string text, string expected)
    {
        var t = CsvTable.Parse(text, "t.csv");
        Assert.Equal(["a", "b"], t.Header);
        Assert.Equal(expected, string.Join("|", Assert.Single(t.Rows).Fields));
    }

    [Fact]
    public void Parse_RowStartLineCountsEmbeddedNewlines()
    {
        var t = CsvTable.Parse("a\n\"1\n2\"\n3\n", "t.csv");
        Assert.Equal([2, 4], t.Rows.Select(r => r.Line));
    }

    [Theory]
    [InlineData("a,b\n1,2,3\n", "t.csv:2", "3 fields")]
    [InlineData("a,b\n\"1,2\n", "t.csv:2", "not closed")]
    public void Parse_Bad_NamesLine(string text, string where, string what)
    {
        var e = Assert.Throws<BardException>(() => CsvTable.Parse(text, "t.csv"));
        Assert.Contains(where, e.Message);
        Assert.Contains(what, e.Message);
    }
}
