using Mailroom.Server.Directory;

namespace Mailroom.Server.Tests.Directory;

public sealed class DepartmentPathTests
{
    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("  ")]
    [InlineData("//")]
    public void EmptyAndSlashAreTheRoot(string text) => Assert.True(DepartmentPath.Parse(text).Value!.IsRoot);

    [Theory]
    [InlineData("/IT部/产品", "IT部/产品")]
    [InlineData("IT部/产品/", "IT部/产品")]
    [InlineData("a/b/c/d/e", "a/b/c/d/e")]
    public void LeadingAndTrailingSlashesAreIgnored(string text, string path) =>
        Assert.Equal(path, DepartmentPath.Parse(text).Value!.ToString());

    [Theory]
    [InlineData("a/b/c/d/e/f")]
    [InlineData("a//b")]
    [InlineData("a/ /b")]
    [InlineData("a/\u0001")]
    public void IllegalPathsAreRefused(string text) => Assert.Equal("1313", DepartmentPath.Parse(text).Error?.Code);

    [Fact]
    public void SegmentsAreAtMost64Characters()
    {
        Assert.False(DepartmentPath.Parse(new string('部', 64)).IsError);
        Assert.Equal("1313", DepartmentPath.Parse(new string('部', 65)).Error?.Code);
    }
}
