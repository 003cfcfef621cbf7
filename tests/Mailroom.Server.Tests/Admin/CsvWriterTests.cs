using System.Text;
using Mailroom.Server.Admin.Csv;

namespace Mailroom.Server.Tests.Admin;

public sealed class CsvWriterTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData(" padded", "\" padded\"")]
    [InlineData("", "")]
    [InlineData("用户", "用户")]
    public void QuotesOnlyWhatNeedsQuoting(string value, string cell) => Assert.Equal(cell, CsvWriter.Cell(value));

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1234", "'+1234")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tcmd", "'\tcmd")]
    [InlineData("a=b", "a=b")]
    public void CellsASpreadsheetWouldRunAsFormulasAreDefused(string value, string cell) => Assert.Equal(cell, CsvWriter.Cell(value));

    [Fact]
    public async Task WritesUtf8WithAByteOrderMarkAndCrlf()
    {
        using var stream = new MemoryStream();
        await using (var writer = new StreamWriter(stream, CsvWriter.Encoding, leaveOpen: true))
        {
            var csv = new CsvWriter(writer);
            await csv.WriteRecordAsync(["名字", "x"]);
            await csv.WriteRecordAsync(["a", "b"]);
        }

        var bytes = stream.ToArray();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Equal("名字,x\r\na,b\r\n", Encoding.UTF8.GetString(bytes[3..]));
    }
}
