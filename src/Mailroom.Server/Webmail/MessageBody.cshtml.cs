using Mailroom.Server.Mail;
using Mailroom.Server.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Mailroom.Server.Webmail;

/// <summary>
/// A message's HTML, sanitised (<see cref="MessageHtml"/>), as the document of the message page's
/// sandboxed frame. Its own Content-Security-Policy is the second fence: nothing may run, nothing
/// may load but inline images (and web images once the reader asked for them), and even opened on
/// its own the document is sandboxed. Only the message page may frame it.
/// </summary>
internal sealed class MessageBodyModel(UiText text, MailService mail) : WebmailPageModel(text)
{
    [BindProperty(SupportsGet = true, Name = "mailid")]
    public string MailId { get; set; } = "";

    [BindProperty(SupportsGet = true, Name = "images")]
    public string? Images { get; set; }

    public static string Policy(bool remoteImages) =>
        $"default-src 'none'; img-src data:{(remoteImages ? " http: https:" : "")}; style-src 'unsafe-inline'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var content = await mail.GetAsync(Member.MemberId, MailId, cancellationToken);
        if (content is null)
        {
            return NotFound();
        }

        using var message = content.Message;
        if (message.HtmlBody is not { } html)
        {
            return NotFound();
        }

        var remoteImages = Images == MessageModel.ShowImages;
        var body = MessageHtml.Sanitize(html, remoteImages, id => MessageParts.InlineImage(message, id));
        var headers = Response.Headers;
        headers.ContentSecurityPolicy = Policy(remoteImages);
        headers.XFrameOptions = "SAMEORIGIN";
        return Content(MessageHtml.Document(body.Html), "text/html; charset=utf-8");
    }
}
