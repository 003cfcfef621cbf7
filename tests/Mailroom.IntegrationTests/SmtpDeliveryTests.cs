using MailKit.Net.Smtp;
using Mailroom.Contracts;
using Mailroom.Server.Mail;

namespace Mailroom.IntegrationTests;

/// <summary>Mail arrives by SMTP (PROTOCOL.md §7.1, §6.9): where it goes, what is refused at RCPT, and the events it queues.</summary>
public sealed class SmtpDeliveryTests(MailFixture fixture) : IClassFixture<MailFixture>
{
    private readonly MailroomApp _app = fixture.App;

    [Fact]
    public async Task MailToAPrimaryAddressLandsUnreadInTheInboxAndQueuesANewMailEvent()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await TestMail.AddMemberAsync(enterprise, "bob");
        await using (var smtp = await RawSmtp.ConnectAsync(await _app.Get<SmtpEndpoints>().InboundAsync(TestContext.Current.CancellationToken)))
        {
            await smtp.CommandAsync("EHLO client.example");
            await smtp.CommandAsync("MAIL FROM:<test@elsewhere.example>");
            await smtp.CommandAsync($"RCPT TO:<{bob}>");
            await smtp.CommandAsync("DATA");
            await smtp.WriteAsync($"From: \"Test\" <test@elsewhere.example>\r\nTo: {bob}\r\nSubject: TestMail\r\n\r\nTestMail Content\r\n");
            var reply = await smtp.CommandAsync(".");
            Assert.StartsWith("250 2.0.0 Message accepted", reply, StringComparison.Ordinal);
        }

        Assert.Equal(1, await TestMail.NewCountAsync(enterprise, bob));
        var mail = Assert.IsType<NewMailEvent>(Assert.Single(fixture.Events.Of(enterprise.Id)));
        Assert.True(MailIds.IsWellFormed(mail.MailId), mail.MailId);
        Assert.Equal(new NewMailEvent(bob, mail.MailId, "\"Test\" <test@elsewhere.example>", bob, "TestMail", "TestMail Content ", 1), mail);

        var page = await _app.Get<MailService>().ListAsync(await TestMailbox.MemberIdAsync(enterprise, bob), 1, 10, TestContext.Current.CancellationToken);
        var listed = Assert.Single(page.Items);
        Assert.Equal((mail.MailId, false, "TestMail", bob), (listed.MailId, listed.Seen, listed.Subject, listed.DeliveredTo));
        Assert.Equal(1, page.UnreadCount);
    }

    [Fact]
    public async Task MailToAnAliasLandsInItsMembersInbox()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await TestMail.AddMemberAsync(enterprise, "bob", aliases: ["bobby"]);
        var alias = enterprise.Address("bobby");

        await TestMail.SendAsync(_app, TestMail.Message("x@elsewhere.example", alias, "Hi", "Hello"), "x@elsewhere.example", alias);

        Assert.Equal(1, await TestMail.NewCountAsync(enterprise, bob));
        Assert.Equal(1, await TestMail.NewCountAsync(enterprise, alias));
        var mail = Assert.IsType<NewMailEvent>(Assert.Single(fixture.Events.Of(enterprise.Id)));
        Assert.Equal((bob, bob), (mail.UserName, mail.Receiver));
        var listed = Assert.Single((await _app.Get<MailService>().ListAsync(await TestMailbox.MemberIdAsync(enterprise, bob), 1, 10, TestContext.Current.CancellationToken)).Items);
        Assert.Equal(alias, listed.DeliveredTo);
    }

    [Fact]
    public async Task ADeletedMembersMailGoesWithThemAndNoLaterMemberGetsTheirIdOrMail()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var alice = await TestMail.AddMemberAsync(enterprise, "alice");
        await TestMail.SendAsync(_app, TestMail.Message("x@elsewhere.example", alice, "For Alice", "Private"), "x@elsewhere.example", alice);
        var aliceId = await TestMailbox.MemberIdAsync(enterprise, alice);
        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "1"), ("Alias", alice))).AssertEmptySuccess();
        Assert.Equal(0L, await enterprise.CountRowsAsync("mails", aliceId));

        // SQLite gives a deleted last row's id to the next insert unless told not to.
        var bob = await TestMail.AddMemberAsync(enterprise, "bob");
        var aliceAgain = await TestMail.AddMemberAsync(enterprise, "alice");
        var mailbox = _app.Get<MailService>();
        foreach (var member in new[] { bob, aliceAgain })
        {
            var id = await TestMailbox.MemberIdAsync(enterprise, member);
            Assert.NotEqual(aliceId, id);
            Assert.Equal(0, (await mailbox.ListAsync(id, 1, 10, TestContext.Current.CancellationToken)).Total);
            Assert.Equal(0, await TestMail.NewCountAsync(enterprise, member));
        }
    }

    [Fact]
    public async Task MailToAGroupReachesEachEnabledMemberOnce()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ann = await TestMail.AddMemberAsync(enterprise, "ann");
        var ben = await TestMail.AddMemberAsync(enterprise, "ben");
        var cat = await TestMail.AddMemberAsync(enterprise, "cat");
        var team = await TestMail.AddGroupAsync(enterprise, "team", "all", [ann, ben, cat]);
        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", cat), ("OpenType", "2"))).AssertEmptySuccess();

        // The group and one of its members directly: still one copy each.
        await TestMail.SendAsync(_app, TestMail.Message("x@elsewhere.example", team, "Team news", "News"), "x@elsewhere.example", team, ann);

        Assert.Equal(1, await TestMail.NewCountAsync(enterprise, ann));
        Assert.Equal(1, await TestMail.NewCountAsync(enterprise, ben));
        Assert.Equal(0, await TestMail.NewCountAsync(enterprise, cat));
        var events = fixture.Events.Of(enterprise.Id).Cast<NewMailEvent>().ToList();
        Assert.Equal([ann, ben], events.Select(e => e.UserName).Order());
        Assert.Equal(2, events.Select(e => e.MailId).Distinct().Count());
        Assert.All(events, e => Assert.Equal(("Team news", 1), (e.Subject, e.NewCount)));
    }

    [Fact]
    public async Task UnknownDisabledAndForeignRecipientsAreRefusedAtRcpt()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await TestMail.AddMemberAsync(enterprise, "bob");
        var off = await TestMail.AddMemberAsync(enterprise, "off", disabled: true);
        using var client = await TestMail.ConnectAsync(_app);

        var unknown = await RefusedAsync(client, enterprise.Address("nobody"));
        var disabled = await RefusedAsync(client, off);
        var foreign = await RefusedAsync(client, "someone@not-hosted.example");

        Assert.Equal((SmtpErrorCode.RecipientNotAccepted, 550), (unknown.ErrorCode, (int)unknown.StatusCode));
        Assert.Contains("No such mailbox", unknown.Message, StringComparison.Ordinal);
        Assert.Equal((SmtpErrorCode.RecipientNotAccepted, 550), (disabled.ErrorCode, (int)disabled.StatusCode));
        Assert.Contains("disabled", disabled.Message, StringComparison.Ordinal);
        Assert.Equal((SmtpErrorCode.RecipientNotAccepted, 550), (foreign.ErrorCode, (int)foreign.StatusCode));
        Assert.Contains("Relaying denied", foreign.Message, StringComparison.Ordinal);

        // The session goes on after refusals.
        await client.SendAsync(TestMail.Message("x@elsewhere.example", bob, "After", "ok"), TestContext.Current.CancellationToken);
        Assert.Equal(1, await TestMail.NewCountAsync(enterprise, bob));
        Assert.Equal(0, await TestMail.NewCountAsync(enterprise, off));
        Assert.Single(fixture.Events.Of(enterprise.Id));
    }

    [Fact]
    public async Task AnInnerGroupTakesMailOnlyFromMembersAuthenticatedOnTheSubmissionPort()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var other = await _app.CreateEnterpriseAsync();
        var ann = await TestMail.AddMemberAsync(enterprise, "ann");
        var ben = await TestMail.AddMemberAsync(enterprise, "ben");
        var stranger = await TestMail.AddMemberAsync(other, "stranger");
        var staff = await TestMail.AddGroupAsync(enterprise, "staff", "inner", [ann]);

        // Claiming an enterprise address on the inbound port does not make a sender inner.
        using (var inbound = await TestMail.ConnectAsync(_app))
        {
            var refused = await RefusedAsync(inbound, staff, sender: ben);
            Assert.Equal(550, (int)refused.StatusCode);
            Assert.Contains("members of its enterprise", refused.Message, StringComparison.Ordinal);
        }

        using (var outsider = await TestMail.ConnectAsync(_app, stranger))
        {
            Assert.Equal(550, (int)(await RefusedAsync(outsider, staff, sender: stranger)).StatusCode);
        }

        using (var member = await TestMail.ConnectAsync(_app, ben))
        {
            await member.SendAsync(TestMail.Message(ben, staff, "Inner", "From inside"), TestContext.Current.CancellationToken);
        }

        Assert.Equal(1, await TestMail.NewCountAsync(enterprise, ann));
        Assert.Equal(ann, Assert.IsType<NewMailEvent>(Assert.Single(fixture.Events.Of(enterprise.Id))).UserName);
    }

    [Fact]
    public async Task AGroupOfStatusGroupTakesMailOnlyFromItsAuthenticatedMembers()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ann = await TestMail.AddMemberAsync(enterprise, "ann");
        var ben = await TestMail.AddMemberAsync(enterprise, "ben");
        var club = await TestMail.AddGroupAsync(enterprise, "club", "group", [ann]);

        using (var outsider = await TestMail.ConnectAsync(_app, ben))
        {
            var refused = await RefusedAsync(outsider, club, sender: ben);
            Assert.Equal(550, (int)refused.StatusCode);
            Assert.Contains("its own members", refused.Message, StringComparison.Ordinal);
        }

        using (var member = await TestMail.ConnectAsync(_app, ann))
        {
            await member.SendAsync(TestMail.Message(ann, club, "Club", "Hi"), TestContext.Current.CancellationToken);
        }

        Assert.Equal(1, await TestMail.NewCountAsync(enterprise, ann));
    }

    [Fact]
    public async Task AListGroupTakesMailOnlyFromItsAllowList()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ann = await TestMail.AddMemberAsync(enterprise, "ann");
        var ben = await TestMail.AddMemberAsync(enterprise, "ben");
        var news = await TestMail.AddGroupAsync(enterprise, "news", "list", [ann, ben], allowList: [ben]);

        using (var member = await TestMail.ConnectAsync(_app, ann))
        {
            var refused = await RefusedAsync(member, news, sender: ann);
            Assert.Equal(550, (int)refused.StatusCode);
            Assert.Contains("allow list", refused.Message, StringComparison.Ordinal);
        }

        using (var inbound = await TestMail.ConnectAsync(_app))
        {
            Assert.Equal(550, (int)(await RefusedAsync(inbound, news, sender: ben)).StatusCode);
        }

        using (var allowed = await TestMail.ConnectAsync(_app, ben))
        {
            await allowed.SendAsync(TestMail.Message(ben, news, "News", "Hi"), TestContext.Current.CancellationToken);
        }

        Assert.Equal(1, await TestMail.NewCountAsync(enterprise, ann));
        Assert.Equal(1, await TestMail.NewCountAsync(enterprise, ben));
    }

    private static async Task<SmtpCommandException> RefusedAsync(SmtpClient client, string recipient, string sender = "x@elsewhere.example")
    {
        var message = TestMail.Message(sender, recipient, "Refused", "Never stored");
        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(message, TestContext.Current.CancellationToken));
        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, refused.ErrorCode);
        return refused;
    }
}
