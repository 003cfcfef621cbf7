using MailKit.Net.Smtp;
using MailKit.Security;
using Mailroom.Server.Mail;

namespace Mailroom.IntegrationTests;

/// <summary>The SMTP conversation itself: extensions, size limit, AUTH, bad input and broken connections.</summary>
public sealed class SmtpSessionTests(MailFixture fixture) : IClassFixture<MailFixture>
{
    private readonly MailroomApp _app = fixture.App;

    [Fact]
    public async Task EhloAdvertisesSizeEightBitMimeAndSmtpUtf8AndAuthOnlyOnSubmission()
    {
        var endpoints = _app.Get<SmtpEndpoints>();
        await using var inbound = await RawSmtp.ConnectAsync(await endpoints.InboundAsync(TestContext.Current.CancellationToken));
        await using var submission = await RawSmtp.ConnectAsync(await endpoints.SubmissionAsync(TestContext.Current.CancellationToken));

        var offered = await inbound.CommandAsync("EHLO client.example");
        var offeredForSubmission = await submission.CommandAsync("EHLO client.example");

        Assert.Contains($"SIZE {MailFixture.MaxMessageBytes}", offered, StringComparison.Ordinal);
        Assert.Contains("8BITMIME", offered, StringComparison.Ordinal);
        Assert.Contains("SMTPUTF8", offered, StringComparison.Ordinal);
        Assert.DoesNotContain("AUTH", offered, StringComparison.Ordinal);
        Assert.Contains("AUTH PLAIN LOGIN", offeredForSubmission, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MessagesOverTheSizeLimitAreRefusedWith552AndTheSessionGoesOn()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await TestMail.AddMemberAsync(enterprise, "bob");
        await using var smtp = await RawSmtp.ConnectAsync(await _app.Get<SmtpEndpoints>().InboundAsync(TestContext.Current.CancellationToken));
        await smtp.CommandAsync("EHLO client.example");

        Assert.StartsWith("552", await smtp.CommandAsync($"MAIL FROM:<x@elsewhere.example> SIZE={MailFixture.MaxMessageBytes + 1}"), StringComparison.Ordinal);

        // A client that declares no size and sends too much anyway.
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<x@elsewhere.example>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.CommandAsync($"RCPT TO:<{bob}>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"), StringComparison.Ordinal);
        var line = new string('x', 998) + "\r\n";
        await smtp.WriteAsync("Subject: big\r\n\r\n" + string.Concat(Enumerable.Repeat(line, (MailFixture.MaxMessageBytes / line.Length) + 1)));
        var refused = await smtp.CommandAsync(".");
        Assert.StartsWith("552", refused, StringComparison.Ordinal);
        Assert.Contains("5.3.4", refused, StringComparison.Ordinal);

        Assert.StartsWith("250", await smtp.CommandAsync("NOOP"), StringComparison.Ordinal);
        Assert.Equal(0, await TestMail.NewCountAsync(enterprise, bob));
    }

    [Fact]
    public async Task TheSubmissionPortRequiresAuthByAnEnabledMembersAddressOrAliasAndPassword()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ann = await TestMail.AddMemberAsync(enterprise, "ann", aliases: ["annie"]);
        var off = await TestMail.AddMemberAsync(enterprise, "off", disabled: true);

        await using (var raw = await RawSmtp.ConnectAsync(await _app.Get<SmtpEndpoints>().SubmissionAsync(TestContext.Current.CancellationToken)))
        {
            await raw.CommandAsync("EHLO client.example");
            Assert.StartsWith("530", await raw.CommandAsync($"MAIL FROM:<{ann}>"), StringComparison.Ordinal);
        }

        await Assert.ThrowsAsync<AuthenticationException>(() => TestMail.ConnectAsync(_app, ann, "wrong-password"));
        await Assert.ThrowsAsync<AuthenticationException>(() => TestMail.ConnectAsync(_app, off));
        await Assert.ThrowsAsync<AuthenticationException>(() => TestMail.ConnectAsync(_app, enterprise.Address("nobody")));

        using var client = await TestMail.ConnectAsync(_app, enterprise.Address("annie"));
        var notHers = await Assert.ThrowsAsync<SmtpCommandException>(
            () => client.SendAsync(TestMail.Message("boss@elsewhere.example", ann, "Spoof", "x"), TestContext.Current.CancellationToken));
        Assert.Equal((SmtpErrorCode.SenderNotAccepted, 553), (notHers.ErrorCode, (int)notHers.StatusCode));
        await client.SendAsync(TestMail.Message(enterprise.Address("annie"), ann, "To myself", "x"), TestContext.Current.CancellationToken);
        Assert.Equal(1, await TestMail.NewCountAsync(enterprise, ann));
    }

    [Fact]
    public async Task MalformedCommandsAreRefusedAndAProperTransactionStillWorks()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await TestMail.AddMemberAsync(enterprise, "bob");
        await using var smtp = await RawSmtp.ConnectAsync(await _app.Get<SmtpEndpoints>().InboundAsync(TestContext.Current.CancellationToken));

        Assert.StartsWith("5", await smtp.CommandAsync("FROBNICATE now"), StringComparison.Ordinal);
        Assert.StartsWith("5", await smtp.CommandAsync("MAIL FROM:<x@elsewhere.example>"), StringComparison.Ordinal);
        await smtp.CommandAsync("EHLO client.example");
        Assert.StartsWith("5", await smtp.CommandAsync("MAIL FROM:x@elsewhere.example <<"), StringComparison.Ordinal);
        Assert.StartsWith("5", await smtp.CommandAsync($"RCPT TO:<{bob}>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<x@elsewhere.example>"), StringComparison.Ordinal);
        Assert.StartsWith("5", await smtp.CommandAsync("RCPT TO:<not an address>"), StringComparison.Ordinal);
        Assert.StartsWith("5", await smtp.CommandAsync("DATA"), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.CommandAsync($"RCPT TO:<{bob}>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"), StringComparison.Ordinal);
        await smtp.WriteAsync("Subject: dots\r\n\r\n..a line that began with a dot\r\n");
        Assert.StartsWith("250", await smtp.CommandAsync("."), StringComparison.Ordinal);
        Assert.StartsWith("221", await smtp.CommandAsync("QUIT"), StringComparison.Ordinal);

        var mail = Assert.Single((await _app.Get<MailService>().ListAsync(await TestMailbox.MemberIdAsync(enterprise, bob), 1, 10, TestContext.Current.CancellationToken)).Items);
        Assert.Equal(("dots", ".a line that began with a dot "), (mail.Subject, mail.Summary));
    }

    [Fact]
    public async Task AConnectionDroppedInTheMiddleOfDataLeavesNothing()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await TestMail.AddMemberAsync(enterprise, "bob");
        var inbound = await _app.Get<SmtpEndpoints>().InboundAsync(TestContext.Current.CancellationToken);

        await using (var smtp = await RawSmtp.ConnectAsync(inbound))
        {
            await smtp.CommandAsync("EHLO client.example");
            await smtp.CommandAsync("MAIL FROM:<x@elsewhere.example>");
            await smtp.CommandAsync($"RCPT TO:<{bob}>");
            Assert.StartsWith("354", await smtp.CommandAsync("DATA"), StringComparison.Ordinal);
            await smtp.WriteAsync("Subject: cut\r\n\r\nhalf a mess");
            smtp.Abort();
        }

        // A complete message afterwards is the only one there.
        await TestMail.SendAsync(_app, TestMail.Message("x@elsewhere.example", bob, "whole", "complete"), "x@elsewhere.example", bob);

        Assert.Equal(1, await TestMail.NewCountAsync(enterprise, bob));
        var mail = Assert.Single((await _app.Get<MailService>().ListAsync(await TestMailbox.MemberIdAsync(enterprise, bob), 1, 10, TestContext.Current.CancellationToken)).Items);
        Assert.Equal("whole", mail.Subject);
        // Nor did any of its bytes reach the spool (the journal holds accepted messages only).
        var files = TestMail.SpoolFiles(_app);
        Assert.Contains(files, f => File.ReadAllText(f).Contains("Subject: whole", StringComparison.Ordinal));
        Assert.DoesNotContain(files, f => File.ReadAllText(f).Contains("half a mess", StringComparison.Ordinal));
        Assert.DoesNotContain(files, f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }
}
