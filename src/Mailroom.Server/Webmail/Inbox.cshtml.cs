using Mailroom.Server.Admin;
using Mailroom.Server.Mail;
using Mailroom.Server.Sso;
using Mailroom.Server.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Mailroom.Server.Webmail;

/// <summary>
/// The signed-in landing page (<see cref="SsoPaths.Inbox"/>, PROTOCOL.md §7.5): a folder (the inbox
/// or the trash) newest first, page by page, unread messages marked; the selected messages marked
/// read or unread, or moved to the trash. Every change goes through <see cref="MailService"/>, which
/// queues the unread event (§5) for the enterprise's listening clients.
/// </summary>
internal sealed class InboxModel(UiText text, MailService mail, ConsoleClock clock) : WebmailPageModel(text)
{
    public const int PageSize = 25;

    // One request changes at most a few pages' worth of messages.
    private const int MaxSelected = 4 * PageSize;

    [BindProperty(SupportsGet = true, Name = "folder")]
    public string? FolderName { get; set; }

    // Not "page": Razor Pages keeps the page's own path under that route value.
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public string Folder => WebmailFolder.Parse(FolderName);

    public MailPage List { get; private set; } = null!;

    public IReadOnlyList<InboxEntry> Entries { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var list = await mail.ListAsync(Member.MemberId, Math.Max(1, PageNumber), PageSize, cancellationToken, Folder);
        if (list.Page > list.PageCount)
        {
            // Past the end (the last page's messages were just moved away): the last page.
            list = await mail.ListAsync(Member.MemberId, list.PageCount, PageSize, cancellationToken, Folder);
        }

        List = list;
        PageNumber = list.Page;
        var display = new MailDisplay(clock);
        Entries = [.. list.Items.Select(row => new InboxEntry(
            row.MailId,
            row.Seen,
            MailDisplay.SenderName(row.Sender),
            row.Sender,
            row.Subject.Length > 0 ? row.Subject : T["webmail.list.noSubject"],
            row.Summary,
            display.Time(row.ReceivedAt),
            MailDisplay.Iso(row.ReceivedAt),
            MailDisplay.Size(row.Size)))];
    }

    /// <summary>Mark read, mark unread or delete (to the trash) the selected messages.</summary>
    public async Task<IActionResult> OnPostAsync(string? act, string[]? ids, CancellationToken cancellationToken)
    {
        (Func<long, string, CancellationToken, Task<MailChange>> Change, string Done)? action = act switch
        {
            "read" => (mail.MarkReadAsync, "webmail.done.read"),
            "unread" => (mail.MarkUnreadAsync, "webmail.done.unread"),
            "delete" => (mail.DeleteAsync, "webmail.done.delete"),
            _ => null,
        };
        if (action is not { } chosen)
        {
            return BadRequest();
        }

        var selected = (ids ?? []).Where(MailIds.IsWellFormed).Distinct(StringComparer.Ordinal).Take(MaxSelected).ToList();
        if (selected.Count == 0)
        {
            Error = T["webmail.action.noneSelected"];
            await OnGetAsync(cancellationToken);
            return Page();
        }

        var changed = 0;
        foreach (var id in selected)
        {
            changed += (await chosen.Change(Member.MemberId, id, cancellationToken)).Changed ? 1 : 0;
        }

        return Done(T.Format(chosen.Done, changed), WebmailFolder.Link(Folder, PageNumber));
    }
}

/// <summary>One line of the message list.</summary>
internal sealed record InboxEntry(
    string MailId, bool Seen, string Sender, string SenderTitle, string Subject, string Summary, string Received, string ReceivedIso, string Size);
