using Mailroom.Server.Mail;

namespace Mailroom.Server.Tests.Mail;

public sealed class MailIdsTests
{
    [Fact]
    public void IdsAreUrlSafeDistinctAndRecognised()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => MailIds.New()).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Matches("^[A-Za-z0-9_-]{24}$", id));
        Assert.All(ids, id => Assert.True(MailIds.IsWellFormed(id)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVW/")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXY")]
    public void OtherTextIsNoId(string? text) => Assert.False(MailIds.IsWellFormed(text));
}
