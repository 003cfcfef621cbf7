using Mailroom.Server.Sso;

namespace Mailroom.Server.Tests.Sso;

public sealed class SsoPathsTests
{
    [Theory]
    [InlineData(null, "/mail")]
    [InlineData("", "/mail")]
    [InlineData("/mail", "/mail")]
    [InlineData("/mail/message/abc", "/mail/message/abc")]
    [InlineData("/mail?page=2", "/mail?page=2")]
    [InlineData("/mailbox", "/mail")]
    [InlineData("/admin", "/mail")]
    [InlineData("//evil.example/mail", "/mail")]
    [InlineData("https://evil.example/mail", "/mail")]
    [InlineData("/mail/\\evil.example", "/mail")]
    [InlineData("/mail/login", "/mail")]
    [InlineData("/mail/logout", "/mail")]
    public void SignInReturnsOnlyToWebmailPages(string? returnUrl, string expected) =>
        Assert.Equal(expected, SsoPaths.SafeReturn(returnUrl));

    [Theory]
    [InlineData("Mx8_k2-QzA0aBcDeFgHiJkLm", "/mail/message/Mx8_k2-QzA0aBcDeFgHiJkLm")]
    [InlineData(null, "/mail")]
    [InlineData("a.b", "/mail")]
    [InlineData("a%2Fb", "/mail")]
    public void OneClickGoesToAWellFormedMailId(string? mailId, string expected) =>
        Assert.Equal(expected, SsoPaths.AfterOneClick(mailId));
}
