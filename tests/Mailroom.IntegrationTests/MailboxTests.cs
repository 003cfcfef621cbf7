using Mailroom.Contracts;
using Mailroom.Server.Mail;
using MimeKit;

namespace Mailroom.IntegrationTests;

/// <summary>The mailbox service webmail builds on: paging, reading, read/unread/delete, counts and unread events (PROTOCOL.md §5, §7.2, §7.5).</summary>
public sealed class MailboxTests(MailFixture fixture) : IClassFixture<MailFixture>
{
    private readonly MailroomApp _app = fixture.App;

    [Fact]
    public async Task TheInboxIsPagedNewestFirstAndAMessageOpensWithItsAttachments()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await TestMail.AddMemberAsync(enterprise, "bob");
        foreach (var n in new[] { 1, 2, 3 })
        {
            await TestMail.SendAsync(_app, TestMail.Message("x@elsewhere.example", bob, $"Message {n}", $"Body {n}"), "x@elsewhere.example", bob);
        }

        var withAttachment = TestMail.Message("x@elsewhere.example", bob, "Report", "");
        var body = new BodyBuilder { TextBody = "See attached", HtmlBody = "<p>See <b>attached</b></p>" };
        body.Attachments.Add("report.txt", "figures"u8.ToArray(), new ContentType("text", "plain"));
        withAttachment.Body = body.ToMessageBody();
        await TestMail.SendAsync(_app, withAttachment, "x@elsewhere.example", bob);
        var memberId = await TestMailbox.MemberIdAsync(enterprise, bob);
        var mailbox = _app.Get<MailService>();
        var ct = TestContext.Current.CancellationToken;

        var first = await mailbox.ListAsync(memberId, 1, 3, ct);
        var second = await mailbox.ListAsync(memberId, 2, 3, ct);

        Assert.Equal(["Report", "Message 3", "Message 2"], first.Items.Select(m => m.Subject));
        Assert.Equal(["Message 1"], second.Items.Select(m => m.Subject));
        Assert.Equal((4, 2, 4), (first.Total, first.PageCount, first.UnreadCount));
        Assert.All(first.Items, m => Assert.False(m.Seen));

        var report = await mailbox.GetAsync(memberId, first.Items[0].MailId, ct);
        Assert.NotNull(report);
        using var message = report.Message;
        Assert.Equal("See attached", message.TextBody);
        Assert.Equal(("report.txt", "text/plain"), (report.Attachments.Single().FileName, report.Attachments.Single().ContentType));
        var attachment = await mailbox.OpenAttachmentAsync(memberId, first.Items[0].MailId, 0, ct);
        Assert.NotNull(attachment);
        await using (var content = attachment.Value.Content)
        {
            Assert.Equal("figures", await new StreamReader(content).ReadToEndAsync(ct));
        }

        await using var raw = await mailbox.OpenRawAsync(memberId, first.Items[3 - 1].MailId, ct);
        Assert.NotNull(raw);
        Assert.Contains("Subject: Message 2", await new StreamReader(raw).ReadToEndAsync(ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadUnreadAndDeleteChangeTheCountAndQueueUnreadEvents()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await TestMail.AddMemberAsync(enterprise, "bob");
        foreach (var n in new[] { 1, 2, 3 })
        {
            await TestMail.SendAsync(_app, TestMail.Message("x@elsewhere.example", bob, $"M{n}", "x"), "x@elsewhere.example", bob);
        }

        var memberId = await TestMailbox.MemberIdAsync(enterprise, bob);
        var mailbox = _app.Get<MailService>();
        var ct = TestContext.Current.CancellationToken;
        var ids = (await mailbox.ListAsync(memberId, 1, 10, ct)).Items.Select(m => m.MailId).ToList();
        var delivered = fixture.Events.Of(enterprise.Id).Count;
        Assert.Equal(3, await TestMail.NewCountAsync(enterprise, bob));

        Assert.Equal(2, (await mailbox.MarkReadAsync(memberId, ids[0], ct)).UnreadCount);
        Assert.Equal(2, await TestMail.NewCountAsync(enterprise, bob));
        Assert.False((await mailbox.MarkReadAsync(memberId, ids[0], ct)).Changed);
        Assert.Equal(3, (await mailbox.MarkUnreadAsync(memberId, ids[0], ct)).UnreadCount);
        Assert.Equal(3, await TestMail.NewCountAsync(enterprise, bob));
        Assert.Equal(2, (await mailbox.DeleteAsync(memberId, ids[1], ct)).UnreadCount);
        Assert.Equal(2, await TestMail.NewCountAsync(enterprise, bob));
        Assert.Equal(1, (await mailbox.MarkReadAsync(memberId, ids[2], ct)).UnreadCount);
        Assert.Equal(1, (await mailbox.DeleteAsync(memberId, ids[2], ct)).UnreadCount);
        Assert.Equal(1, await TestMail.NewCountAsync(enterprise, bob));
        var again = await mailbox.DeleteAsync(memberId, ids[2], ct);
        Assert.Equal((true, false), (again.Found, again.Changed));

        Assert.Equal(
            [new UnreadCountEvent(bob, 2), new UnreadCountEvent(bob, 3), new UnreadCountEvent(bob, 2), new UnreadCountEvent(bob, 1), new UnreadCountEvent(bob, 1)],
            fixture.Events.Of(enterprise.Id).Skip(delivered));
        var inbox = await mailbox.ListAsync(memberId, 1, 10, ct);
        Assert.Equal([ids[0]], inbox.Items.Select(m => m.MailId));
        Assert.Equal(new[] { ids[1], ids[2] }.Order(), (await mailbox.ListAsync(memberId, 1, 10, ct, "trash")).Items.Select(m => m.MailId).Order());
    }

    [Fact]
    public async Task AMemberCannotSeeOrChangeAnotherMembersMail()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await TestMail.AddMemberAsync(enterprise, "bob");
        var eve = await TestMail.AddMemberAsync(enterprise, "eve");
        await TestMail.SendAsync(_app, TestMail.Message("x@elsewhere.example", bob, "Private", "x"), "x@elsewhere.example", bob);
        var mailbox = _app.Get<MailService>();
        var ct = TestContext.Current.CancellationToken;
        var mailId = (await mailbox.ListAsync(await TestMailbox.MemberIdAsync(enterprise, bob), 1, 10, ct)).Items.Single().MailId;
        var eveId = await TestMailbox.MemberIdAsync(enterprise, eve);

        Assert.Null(await mailbox.GetAsync(eveId, mailId, ct));
        Assert.Null(await mailbox.OpenRawAsync(eveId, mailId, ct));
        Assert.False((await mailbox.MarkReadAsync(eveId, mailId, ct)).Found);
        Assert.False((await mailbox.DeleteAsync(eveId, mailId, ct)).Found);
        Assert.False((await mailbox.MarkReadAsync(eveId, "not-an-id", ct)).Found);
        Assert.Equal(1, await TestMail.NewCountAsync(enterprise, bob));
    }
}
