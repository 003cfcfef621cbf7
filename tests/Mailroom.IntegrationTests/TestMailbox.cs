using Mailroom.Server.Mail;
using Mailroom.Server.Storage;
using MimeKit;

namespace Mailroom.IntegrationTests;

/// <summary>Mail delivered by SMTP and found again by its MailId, for the webmail tests (integration and browser).</summary>
public static class TestMailbox
{
    /// <summary>Delivers <paramref name="message"/> by SMTP to <paramref name="to"/>; its MailId (the subject picks it out).</summary>
    public static async Task<string> DeliverAsync(this TestEnterprise enterprise, string to, MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(enterprise);
        ArgumentNullException.ThrowIfNull(message);
        var subject = message.Subject;
        await TestMail.SendAsync(enterprise.App, message, "sender@outside.example", to);
        var page = await enterprise.App.Get<MailService>().ListAsync(
            await MemberIdAsync(enterprise, to), 1, MailService.MaxPageSize, TestContext.Current.CancellationToken);
        return page.Items.First(m => m.Subject == subject).MailId;
    }

    /// <summary>A message with only an HTML part.</summary>
    public static MimeMessage Html(string subject, string html) =>
        new()
        {
            From = { MailboxAddress.Parse("sender@outside.example") },
            Subject = subject,
            Body = new BodyBuilder { HtmlBody = html }.ToMessageBody(),
        };

    public static async Task<long> MemberIdAsync(TestEnterprise enterprise, string address)
    {
        ArgumentNullException.ThrowIfNull(enterprise);
        return (await enterprise.App.Get<IDatabase>().ReadAsync(
            session => MemberStore.FindAsync(session, enterprise.Id, address),
            TestContext.Current.CancellationToken))!.Id;
    }
}
