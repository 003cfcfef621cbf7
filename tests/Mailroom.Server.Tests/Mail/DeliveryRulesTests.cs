using System.Net;
using Mailroom.Server.Mail;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Tests.Mail;

public sealed class DeliveryRulesTests
{
    private const long Enterprise = 7;
    private static readonly AuthenticatedMember Member = new(1, Enterprise, "ann@corp.example");
    private static readonly AuthenticatedMember Allowed = new(2, Enterprise, "ben@corp.example");
    private static readonly AuthenticatedMember Colleague = new(3, Enterprise, "cat@corp.example");
    private static readonly AuthenticatedMember Stranger = new(1, Enterprise + 1, "ann@other.example");

    [Theory]
    [InlineData("all", true, true, true, true, true)]
    [InlineData("inner", false, true, true, true, false)]
    [InlineData("group", false, true, false, false, false)]
    [InlineData("list", false, false, true, false, false)]
    [InlineData("unknown", false, false, false, false, false)]
    public void EachStatusLetsItsSendersIn(string status, bool anonymous, bool member, bool allowed, bool colleague, bool stranger)
    {
        var group = new MailGroup(9, Enterprise, "team@corp.example", "Team", status, [Member.MemberId], [Allowed.MemberId]);

        Assert.Equal(
            (anonymous, member, allowed, colleague, stranger),
            (DeliveryRules.MaySend(group, null), DeliveryRules.MaySend(group, Member), DeliveryRules.MaySend(group, Allowed), DeliveryRules.MaySend(group, Colleague), DeliveryRules.MaySend(group, Stranger)));
    }

    [Theory]
    [InlineData("http://127.0.0.1:12211", "127.0.0.1")]
    [InlineData("http://[::1]:80", "::1")]
    [InlineData("https://0.0.0.0:443", "0.0.0.0")]
    [InlineData("http://*:80", "0.0.0.0")]
    [InlineData("http://+:80", "0.0.0.0")]
    [InlineData("http://mail.corp.example:80", "0.0.0.0")]
    public void SmtpListensWhereHttpDoes(string url, string address) =>
        Assert.Contains(IPAddress.Parse(address), SmtpHost.HttpListenAddresses(url));

    [Fact]
    public void LocalhostMeansTheLoopbacks() =>
        Assert.Contains(IPAddress.Loopback, SmtpHost.HttpListenAddresses("http://localhost:5000"));
}
