using Mailroom.Server.Mail;

namespace Mailroom.IntegrationTests.Push;

/// <summary>End to end: a message taken by SMTP reaches a held listen; reading it queues the unread count.</summary>
public sealed class MailPushTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task HeldListenIsAnsweredWithTheNewMailThenTheUnreadCount()
    {
        var enterprise = await server.App.CreateEnterpriseAsync();
        var bob = await TestMail.AddMemberAsync(enterprise, "bob");
        var version = await Listens.CurrentVersionAsync(enterprise);
        using var held = await Listens.HoldAsync(enterprise, version);
        await Listens.HeldAsync(enterprise, 1);

        // MailKit throws unless the server answers 250 at the end of DATA.
        await TestMail.SendAsync(
            server.App,
            TestMail.Message("\"Test\" <test@outside.example>", bob, "TestMail", "TestMail   Content\r\n"),
            "test@outside.example",
            bob);

        var answer = (await held.ReadResponseAsync()).Json;
        Assert.Equal(bob, answer.GetProperty("UserName").GetString());
        Assert.Equal(bob, answer.GetProperty("Receiver").GetString());
        // The From header as the client wrote it (MimeKit drops quotes a plain name does not need).
        Assert.Equal("Test <test@outside.example>", answer.GetProperty("Sender").GetString());
        Assert.Equal("TestMail", answer.GetProperty("Subject").GetString());
        Assert.StartsWith("TestMail Content", answer.GetProperty("Summary").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, answer.GetProperty("NewCount").GetInt32());
        var mailId = answer.GetProperty("MailId").GetString()!;
        Assert.Equal(1, await TestMail.NewCountAsync(enterprise, bob));

        // Reading the message (what webmail does when it opens one) queues the new count.
        var member = (await enterprise.MemberRowAsync(bob))!;
        var change = await server.App.Get<MailService>().MarkReadAsync(member.Id, mailId, TestContext.Current.CancellationToken);
        Assert.True(change.Found);

        var unread = (await Listens.ListenAsync(enterprise, version)).Json;
        Assert.Equal(bob, unread.GetProperty("UserName").GetString());
        Assert.Equal(0, unread.GetProperty("NewCount").GetInt32());
        Assert.False(unread.TryGetProperty("MailId", out _));
        Assert.Equal(0, await TestMail.NewCountAsync(enterprise, bob));
    }
}
