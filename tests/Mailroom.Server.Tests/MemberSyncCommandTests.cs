using Mailroom.Server.Directory;
using Mailroom.Server.Protocol;

namespace Mailroom.Server.Tests;

/// <summary>The parameter rules of user/sync that need no database (PROTOCOL.md §6.3).</summary>
public sealed class MemberSyncCommandTests
{
    [Fact]
    public void AbsentAndEmptyFieldsAreNullSoModifyLeavesThem()
    {
        var command = Parse(("Action", "3"), ("Alias", "bob@x.example"), ("Name", ""), ("Gender", ""), ("PartyPath", ""), ("Slave", ""), ("OpenType", ""));
        Assert.Null(command.Name);
        Assert.Null(command.Gender);
        Assert.Null(command.Position);
        Assert.Null(command.PasswordMd5);
        Assert.Null(command.Departments);
        Assert.Null(command.Slaves);
        Assert.Equal(0, command.OpenType);
    }

    [Fact]
    public void DeleteIgnoresEverythingButTheAlias()
    {
        var command = Parse(("Action", "1"), ("Alias", "bob@x.example"), ("Gender", "9"), ("Password", "x"), ("PartyPath", "a/b/c/d/e/f"));
        Assert.Equal(SyncAction.Delete, command.Action);
        Assert.Null(command.Gender);
        Assert.Null(command.PasswordMd5);
    }

    [Fact]
    public void RootPathsStandForNoDepartmentAndDuplicatesCollapse()
    {
        var command = Parse(("Action", "3"), ("Alias", "bob@x.example"), ("PartyPath", "/"), ("PartyPath", "/a/b/"), ("PartyPath", "a/b"));
        Assert.Equal(["a/b"], command.Departments!.Select(d => d.ToString()));

        var rootOnly = Parse(("Action", "3"), ("Alias", "bob@x.example"), ("PartyPath", "/"));
        Assert.NotNull(rootOnly.Departments);
        Assert.Empty(rootOnly.Departments);
    }

    [Fact]
    public void SlavesAreNormalizedAndDeduplicated()
    {
        var command = Parse(("Action", "3"), ("Alias", "bob@x.example"), ("Slave", "BB@X.example"), ("Slave", "bb@x.example"), ("Slave", "cc@x.example"));
        Assert.Equal(["bb@x.example", "cc@x.example"], command.Slaves);
    }

    [Fact]
    public void PasswordIsKeptOnlyAsItsMd5AndNeverPrinted()
    {
        var command = Parse(("Action", "2"), ("Alias", "bob@x.example"), ("Name", "Bob"), ("Password", "123456"));
        Assert.Equal("e10adc3949ba59abbe56e057f20f883e", command.PasswordMd5);
        Assert.DoesNotContain("e10adc", command.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("123456", command.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "1001")]
    [InlineData("5", "1203")]
    [InlineData("x", "1203")]
    public void ActionIsRequiredAndOneOfThree(string action, string errcode)
    {
        var parameters = Parameters(("Action", action), ("Alias", "bob@x.example"), ("Name", "B"), ("Password", "123456"));
        Assert.Equal(errcode, MemberSyncCommand.Parse(parameters).Error!.Code);
    }

    [Fact]
    public void FieldLengthsCountCharactersNotUtf16Units()
    {
        var emoji = string.Concat(Enumerable.Repeat("😀", 64));
        Assert.Equal(emoji, Parse(("Action", "3"), ("Alias", "bob@x.example"), ("Name", emoji)).Name);
        var tooLong = MemberSyncCommand.Parse(Parameters(("Action", "3"), ("Alias", "bob@x.example"), ("Name", emoji + "😀")));
        Assert.Equal("1307", tooLong.Error!.Code);
    }

    private static MemberSyncCommand Parse(params (string Name, string Value)[] values)
    {
        var result = MemberSyncCommand.Parse(Parameters(values));
        Assert.Null(result.Error);
        return result.Value!;
    }

    private static RequestParameters Parameters(params (string Name, string Value)[] values)
    {
        var parameters = new RequestParameters();
        foreach (var (name, value) in values)
        {
            parameters.AddBody(name, value);
        }

        return parameters;
    }
}
