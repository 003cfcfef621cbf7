using System.Text;
using Mailroom.Server.Admin.Csv;

namespace Mailroom.Server.Tests.Admin;

public sealed class CsvReaderTests
{
    [Fact]
    public void ReadsQuotedFieldsWithCommasQuotesAndLineBreaks()
    {
        var records = CsvReader.Parse("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"two\r\nlines\",x,\r\nlast,,end");

        Assert.Equal(3, records.Count);
        Assert.Equal(["a", "b,c", "say \"hi\""], records[0].Fields);
        Assert.Equal(["two\r\nlines", "x", ""], records[1].Fields);
        Assert.Equal(["last", "", "end"], records[2].Fields);
    }

    [Fact]
    public void NumbersRecordsByTheLineTheyStartOnAndSkipsBlankLines()
    {
        var records = CsvReader.Parse("\uFEFFh1,h2\n\n\"multi\nline\",1\n\nz,2\n");

        Assert.Equal([1, 3, 6], records.Select(r => r.Line));
        Assert.Equal("h1", records[0].Fields[0]);
        Assert.Equal(["z", "2"], records[2].Fields);
    }

    [Fact]
    public void AcceptsLoneCarriageReturnsAndAnEmptyQuotedLastField()
    {
        var records = CsvReader.Parse("a,b\rc,\"\"");

        Assert.Equal(["a", "b"], records[0].Fields);
        Assert.Equal(["c", ""], records[1].Fields);
    }

    [Fact]
    public void DecodesUtf8AndFallsBackToGb18030()
    {
        Assert.Equal("张三,研发部", CsvReader.Decode(Encoding.UTF8.GetBytes("张三,研发部")));
        Assert.Equal("张三,研发部", CsvReader.Decode([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("张三,研发部")]).TrimStart('\uFEFF'));

        var gb = CodePagesEncodingProvider.Instance.GetEncoding(54936)!.GetBytes("张三,研发部");
        Assert.Equal("张三,研发部", CsvReader.Decode(gb));
    }

    [Fact]
    public void WhatTheWriterWritesReadsBackUnchanged()
    {
        string[] cells = ["plain", "comma, inside", "quote \" inside", "line\r\nbreak", " padded ", "中文", ""];

        var parsed = CsvReader.Parse(CsvWriter.Format(cells));

        Assert.Equal(cells, Assert.Single(parsed).Fields);
    }
}
