using System.Text;
using Mailroom.Server.Admin.Import;

namespace Mailroom.Server.Tests.Admin;

public sealed class ImportFileTests
{
    [Fact]
    public void ReadsColumnsByEnglishOrChineseNamesInAnyOrder()
    {
        var file = Parse("邮箱,Name,部门,性别,启用,别名\nBob@Corp.Example,鲍勃,研发部/后端;/管理层/,男,否,bb@corp.example; bo@corp.example\n");

        var row = Assert.Single(file.Rows);
        Assert.Null(row.Error);
        Assert.Equal(2, row.Line);
        Assert.Equal("bob@corp.example", row.Address);
        Assert.Equal(["研发部/后端", "管理层"], row.Departments);
        var parameters = row.ToParameters(2);
        Assert.Equal("2", parameters.Get("Action"));
        Assert.Equal("Bob@Corp.Example", parameters.Get("Alias"));
        Assert.Equal("鲍勃", parameters.Get("Name"));
        Assert.Equal(["研发部/后端", "管理层"], parameters.GetAll("PartyPath"));
        Assert.Equal("1", parameters.Get("Gender"));
        Assert.Equal("2", parameters.Get("OpenType"));
        Assert.Equal(["bb@corp.example", "bo@corp.example"], parameters.GetAll("Slave"));
    }

    [Fact]
    public void ReportsRowProblemsThatNeedNoDatabase()
    {
        var file = Parse("address,gender,departments\na@x.example,robot,\n,1,\nb@x.example,,a/b/c/d/e/f\nA@X.example,2,\n");

        Assert.Equal(4, file.Rows.Count);
        Assert.Equal("1001", file.Rows[0].Error!.Code);
        Assert.Contains("robot", file.Rows[0].Error!.Message, StringComparison.Ordinal);
        Assert.Equal(ImportErrors.MissingAddress, file.Rows[1].Error);
        Assert.Equal("invalid_party_path", file.Rows[2].Error!.Error);
        Assert.Contains("line 2", file.Rows[3].Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("address,colour\na@x.example,red\n", "colour")]
    [InlineData("name\nBob\n", "address")]
    [InlineData("address,email\na@x.example,b@x.example\n", "email")]
    [InlineData("address\n", "no rows")]
    public void RefusesFilesWhoseHeaderCannotBeRead(string csv, string reason)
    {
        var parsed = ImportFile.Parse("f.csv", Encoding.UTF8.GetBytes(csv), 10);

        Assert.True(parsed.IsError);
        Assert.Contains(reason, parsed.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesMoreRowsThanAllowed()
    {
        var parsed = ImportFile.Parse("f.csv", Encoding.UTF8.GetBytes("address\na@x.example\nb@x.example\nc@x.example\n"), 2);

        Assert.Contains("more than 2 rows", parsed.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NeverShowsThePasswordWhenPrinted()
    {
        var row = Assert.Single(Parse("address,password\na@x.example,Hunter2-secret\n").Rows);

        Assert.DoesNotContain("Hunter2", row.ToString(), StringComparison.Ordinal);
        Assert.Equal("Hunter2-secret", row.ToParameters(2).Get("Password"));
    }

    private static ImportFile Parse(string csv)
    {
        var parsed = ImportFile.Parse("f.csv", Encoding.UTF8.GetBytes(csv), 100);
        Assert.False(parsed.IsError, parsed.Error?.Message);
        return parsed.Value!;
    }
}
