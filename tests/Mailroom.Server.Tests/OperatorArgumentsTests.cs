using Mailroom.Server.Admin;

namespace Mailroom.Server.Tests;

public sealed class OperatorArgumentsTests
{
    [Fact]
    public void WordsOptionsFlagsAndSettingsAreSeparated()
    {
        var parsed = OperatorArguments.Parse(
            ["enterprise", "create", "--domain", "a.example", "--domain=b.example,c.example", "--Admin", "it", "--Mailroom:DataDir", "/srv/m", "--Mailroom:Durability=Normal", "--failed"],
            out _)!;

        Assert.Equal(["enterprise", "create"], parsed.Words);
        Assert.Equal(["a.example", "b.example", "c.example"], parsed.All("domain"));
        Assert.Equal("it", parsed.Single("admin"));
        Assert.Equal(["--Mailroom:DataDir=/srv/m", "--Mailroom:Durability=Normal"], parsed.Settings);
        Assert.True(parsed.Has("failed"));
        Assert.False(parsed.Help);
        Assert.Null(parsed.FirstUnknown("domain", "admin", "failed"));
        Assert.Equal("failed", parsed.FirstUnknown("domain", "admin"));
    }

    [Fact]
    public void AnEmptyValueAndANegativeNumberAreValues()
    {
        var parsed = OperatorArguments.Parse(["--allowed", "", "--rate-limit", "-5"], out _)!;

        Assert.Equal("", parsed.Single("allowed"));
        Assert.Equal("-5", parsed.Single("rate-limit"));
        Assert.Empty(parsed.All("allowed"));
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("--help")]
    [InlineData("--HELP")]
    public void HelpIsAFlag(string flag) => Assert.True(OperatorArguments.Parse(["enterprise", flag, "--admin", "x"], out _)!.Help);

    [Theory]
    [InlineData("--admin")]
    [InlineData("--admin", "--domain", "x")]
    [InlineData("-x")]
    [InlineData("--")]
    [InlineData("--=x")]
    public void MalformedCommandLinesAreRefused(params string[] args)
    {
        Assert.Null(OperatorArguments.Parse(args, out var error));
        Assert.NotEmpty(error.English);
        Assert.NotEmpty(error.Chinese);
    }

    [Theory]
    [InlineData(true, "enterprise", "list")]
    [InlineData(true, "operations", "list", "--failed")]
    [InlineData(true, "--Mailroom:DataDir", "/srv/m", "enterprise", "list")]
    [InlineData(true, "--Mailroom:DataDir=/srv/m", "Enterprise", "list")]
    [InlineData(true, "help")]
    [InlineData(true, "--help")]
    [InlineData(false)]
    [InlineData(false, "--urls", "http://127.0.0.1:12211")]
    [InlineData(false, "--urls", "enterprise")]
    [InlineData(false, "--Mailroom:Demo:Enabled=false", "--environment", "Production")]
    [InlineData(false, "serve")]
    public void TheCommandWordDecidesBetweenCommandAndServer(bool isCommand, params string[] args) =>
        Assert.Equal(isCommand, OperatorCommands.IsCommand(args));
}
