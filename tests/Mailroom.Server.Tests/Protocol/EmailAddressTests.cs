using Mailroom.Server.Protocol;

namespace Mailroom.Server.Tests.Protocol;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("Bob@GZdev.com", "bob@gzdev.com", "gzdev.com")]
    [InlineData(" test2@gzservice.com ", "test2@gzservice.com", "gzservice.com")]
    [InlineData("a.b+c@sub.example.org", "a.b+c@sub.example.org", "sub.example.org")]
    public void ValidAddressesAreLowerCased(string text, string address, string domain)
    {
        Assert.True(EmailAddress.TryNormalize(text, out var normalized, out var d));
        Assert.Equal(address, normalized);
        Assert.Equal(domain, d);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bob")]
    [InlineData("@gzdev.com")]
    [InlineData("bob@")]
    [InlineData("bob@localhost")]
    [InlineData("bo b@gzdev.com")]
    [InlineData(".bob@gzdev.com")]
    [InlineData("b..ob@gzdev.com")]
    [InlineData("bob@-gzdev.com")]
    [InlineData("bob@gz_dev.com")]
    [InlineData("鲍勃@gzdev.com")]
    [InlineData("o%40gzdev.com")]
    public void MalformedAddressesAreRefused(string text) =>
        Assert.False(EmailAddress.TryNormalize(text, out _, out _));
}
