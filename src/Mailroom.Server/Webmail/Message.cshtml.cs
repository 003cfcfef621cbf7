using Mailroom.Server.Admin;
using Mailroom.Server.Mail;
using Mailroom.Server.Storage;
using Mailroom.Server.Ui;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mailroom.Server.Webmail;

/// <summary>
/// One message (PROTOCOL.md §7.5): opening it marks it read, which queues the unread event (§5) for
/// the enterprise's listening clients. Its headers, its plain text, or its HTML — sanitised, and
/// shown from <see cref="MessageBodyModel"/> in a sandboxed frame — and its attachments. A MailId
/// the member has no copy of (unknown, or another member's) is a 404 page like any other.
/// </summary>
internal sealed class MessageModel(UiText text, MailService mail, ConsoleClock clock) : WebmailPageModel(text)
{
    public const string ShowImages = "show";

    public const string TextView = "text";

    [BindProperty(SupportsGet = true, Name = "mailid")]
    public string MailId { get; set; } = "";

    [BindProperty(SupportsGet = true, Name = "images")]
    public string? Images { get; set; }

    [BindProperty(SupportsGet = true, Name = "view")]
    public string? View { get; set; }

    public bool Found { get; private set; }

    public string Folder { get; private set; } = WebmailFolder.Inbox;

    public string Subject { get; private set; } = "";

    public string From { get; private set; } = "";

    public string To { get; private set; } = "";

    public string Cc { get; private set; } = "";

    public string Date { get; private set; } = "";

    public string DateIso { get; private set; } = "";

    public string? Text { get; private set; }

    public bool HasHtml { get; private set; }

    public int BlockedImages { get; private set; }

    public IReadOnlyList<AttachmentEntry> Attachments { get; private set; } = [];

    public bool RemoteImages => Images == ShowImages;

    /// <summary>Whether the page shows the HTML (in the frame) rather than the plain text.</summary>
    public bool ShowsHtml => HasHtml && (View != TextView || Text is null);

    public string BodyLink => $"{WebmailFolder.MessageLink(MailId)}/body{(RemoteImages ? "?images=" + ShowImages : "")}";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var content = await mail.GetAsync(Member.MemberId, MailId, cancellationToken);
        if (content is null)
        {
            return Missing();
        }

        using var message = content.Message;
        if (!content.Mail.Seen)
        {
            await mail.MarkReadAsync(Member.MemberId, MailId, cancellationToken);
        }

        var display = new MailDisplay(clock);
        var row = content.Mail;
        Found = true;
        Folder = row.Folder;
        Subject = string.IsNullOrEmpty(message.Subject) ? (row.Subject.Length > 0 ? row.Subject : T["webmail.list.noSubject"]) : message.Subject;
        From = message.From.Count > 0 ? MailDisplay.Addresses(message.From) : row.Sender;
        To = MailDisplay.Addresses(message.To);
        Cc = MailDisplay.Addresses(message.Cc);
        var date = message.Date == DateTimeOffset.MinValue ? row.ReceivedAt : message.Date;
        Date = display.FullTime(date);
        DateIso = MailDisplay.Iso(date);
        Text = message.TextBody;
        if (message.HtmlBody is { } html)
        {
            HasHtml = true;
            // Only the count of hidden web images is needed here; the frame's document resolves inline images.
            BlockedImages = MessageHtml.Sanitize(html, RemoteImages).BlockedImages;
        }

        var sizes = MessageParts.AttachmentSizes(message, cancellationToken);
        Attachments = [.. content.Attachments.Select(a => new AttachmentEntry(
            a.Index, a.FileName, a.ContentType, MailDisplay.Size(sizes[a.Index]), $"{WebmailFolder.MessageLink(MailId)}/attachment/{a.Index}"))];
        return Page();
    }

    /// <summary>Back to unread; the list, not this page, is where the reader goes next (opening it again would read it).</summary>
    public async Task<IActionResult> OnPostUnreadAsync(CancellationToken cancellationToken)
    {
        var row = await mail.FindAsync(Member.MemberId, MailId, cancellationToken);
        if (row is null || !(await mail.MarkUnreadAsync(Member.MemberId, MailId, cancellationToken)).Found)
        {
            return Missing();
        }

        return Done(T.Format("webmail.done.markedUnread", Title(row)), WebmailFolder.Link(row.Folder));
    }

    /// <summary>To the trash, then to the folder the message was in.</summary>
    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken cancellationToken)
    {
        var row = await mail.FindAsync(Member.MemberId, MailId, cancellationToken);
        if (row is null || !(await mail.DeleteAsync(Member.MemberId, MailId, cancellationToken)).Found)
        {
            return Missing();
        }

        return Done(T.Format("webmail.done.deleted", Title(row)), WebmailFolder.Link(row.Folder));
    }

    private string Title(MailRow row) => row.Subject.Length > 0 ? row.Subject : T["webmail.list.noSubject"];

    private PageResult Missing()
    {
        Found = false;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}

/// <summary>An attachment as the message page lists it.</summary>
internal sealed record AttachmentEntry(int Index, string FileName, string ContentType, string Size, string Link);
