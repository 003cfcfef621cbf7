using System.Text.RegularExpressions;
using Mailroom.Server.Mail;
using Mailroom.Server.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Mailroom.Server.Webmail;

/// <summary>
/// An attachment's decoded bytes, always as a download (Content-Disposition: attachment with the
/// name made safe, RFC 6266 <c>filename*</c> for names beyond ASCII): never shown in the browser,
/// never sniffed into something else, and sandboxed should a browser show it anyway.
/// </summary>
internal sealed partial class MessageAttachmentModel(UiText text, MailService mail) : WebmailPageModel(text)
{
    public const string DownloadPolicy = "default-src 'none'; sandbox";

    [BindProperty(SupportsGet = true, Name = "mailid")]
    public string MailId { get; set; } = "";

    [BindProperty(SupportsGet = true, Name = "index")]
    public int Index { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await mail.OpenAttachmentAsync(Member.MemberId, MailId, Index, cancellationToken) is not { } found)
        {
            return NotFound();
        }

        Response.Headers.ContentSecurityPolicy = DownloadPolicy;
        var type = MediaType().IsMatch(found.Attachment.ContentType) ? found.Attachment.ContentType : "application/octet-stream";
        return File(found.Content, type, DownloadName.Safe(found.Attachment.FileName, $"attachment-{Index + 1}"));
    }

    // A type/subtype as MIME writes it (RFC 2045 5.1 tokens); anything else is sent as octet-stream.
    [GeneratedRegex(@"^[A-Za-z0-9!#$&^_.+-]{1,64}/[A-Za-z0-9!#$&^_.+-]{1,64}$")]
    private static partial Regex MediaType();
}
