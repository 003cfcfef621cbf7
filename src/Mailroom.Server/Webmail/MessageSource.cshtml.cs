using Mailroom.Server.Mail;
using Mailroom.Server.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Mailroom.Server.Webmail;

/// <summary>The message as it was received (its raw MIME), as a download named after its subject.</summary>
internal sealed class MessageSourceModel(UiText text, MailService mail) : WebmailPageModel(text)
{
    [BindProperty(SupportsGet = true, Name = "mailid")]
    public string MailId { get; set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var row = await mail.FindAsync(Member.MemberId, MailId, cancellationToken);
        if (row is null || await mail.OpenRawAsync(Member.MemberId, MailId, cancellationToken) is not { } raw)
        {
            return NotFound();
        }

        Response.Headers.ContentSecurityPolicy = MessageAttachmentModel.DownloadPolicy;
        return File(raw, "message/rfc822", DownloadName.Safe(row.Subject, "message") + ".eml");
    }
}
