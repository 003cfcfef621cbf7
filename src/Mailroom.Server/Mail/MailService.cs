using Mailroom.Contracts;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;
using MimeKit;

namespace Mailroom.Server.Mail;

/// <summary>
/// A member's mailbox as webmail uses it (PROTOCOL.md §7.5): the inbox page by page, one message
/// with its MIME and attachments, marking read or unread, deleting (to the trash), and the inbox
/// unread count. Every change that takes effect queues an unread event (§5, §7.2) once it is
/// durable; a change that changes nothing (marking a read message read) queues none.
/// The caller has authenticated the member; every call is confined to that member's copies.
/// </summary>
internal sealed class MailService(IDatabase database, MessageSpool spool, MailNotifier notifier)
{
    public const int MaxPageSize = 200;

    /// <summary>One page (from 1) of a folder, newest first, with the folder's size and the inbox unread count.</summary>
    public Task<MailPage> ListAsync(long memberId, int page, int pageSize, CancellationToken cancellationToken, string folder = MailStore.Inbox)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        return database.ReadAsync(
            async session =>
            {
                var total = await MailStore.CountAsync(session, memberId, folder);
                var offset = (int)Math.Min((long)(page - 1) * pageSize, int.MaxValue);
                var items = await MailStore.ListAsync(session, memberId, folder, pageSize, offset);
                var unread = await MailStore.UnreadCountAsync(session, memberId);
                return new MailPage(items, total, page, pageSize, unread);
            },
            cancellationToken);
    }

    /// <summary>A member's copy by MailId (metadata only), or null when the member has none with that id.</summary>
    public Task<MailRow?> FindAsync(long memberId, string mailId, CancellationToken cancellationToken) =>
        MailIds.IsWellFormed(mailId)
            ? database.ReadAsync(session => MailStore.FindAsync(session, memberId, mailId), cancellationToken)
            : Task.FromResult<MailRow?>(null);

    /// <summary>A copy with its parsed message and its attachments, or null when the member has none with that id.</summary>
    public async Task<MailContent?> GetAsync(long memberId, string mailId, CancellationToken cancellationToken)
    {
        var row = await FindAsync(memberId, mailId, cancellationToken);
        if (row is null)
        {
            return null;
        }

        await using var stream = await spool.OpenReadAsync(row.File, row.Offset, row.Size, cancellationToken);
        var message = await MimeMessage.LoadAsync(stream, cancellationToken);
        var attachments = message.Attachments
            .Select((entity, index) => new MailAttachment(index, AttachmentName(entity, index), entity.ContentType.MimeType))
            .ToList();
        return new MailContent(row, message, attachments);
    }

    /// <summary>The raw MIME of a copy, or null when the member has none with that id. The caller disposes it.</summary>
    public async Task<Stream?> OpenRawAsync(long memberId, string mailId, CancellationToken cancellationToken) =>
        await FindAsync(memberId, mailId, cancellationToken) is { } row ? await spool.OpenReadAsync(row.File, row.Offset, row.Size, cancellationToken) : null;

    /// <summary>An attachment's decoded content, or null when there is no such copy or attachment.</summary>
    public async Task<(MailAttachment Attachment, Stream Content)?> OpenAttachmentAsync(long memberId, string mailId, int index, CancellationToken cancellationToken)
    {
        var mail = await GetAsync(memberId, mailId, cancellationToken);
        if (mail is null || index < 0 || index >= mail.Attachments.Count)
        {
            return null;
        }

        using var message = mail.Message;
        var content = new MemoryStream();
        var entity = message.Attachments.ElementAt(index);
        if (entity is MimePart { Content: { } body })
        {
            await body.DecodeToAsync(content, cancellationToken);
        }
        else if (entity is MessagePart { Message: { } attached })
        {
            await attached.WriteToAsync(content, cancellationToken);
        }

        content.Position = 0;
        return (mail.Attachments[index], content);
    }

    /// <summary>The member's inbox unread count.</summary>
    public Task<int> UnreadCountAsync(long memberId, CancellationToken cancellationToken) =>
        database.ReadAsync(session => MailStore.UnreadCountAsync(session, memberId), cancellationToken);

    public Task<MailChange> MarkReadAsync(long memberId, string mailId, CancellationToken cancellationToken) =>
        ChangeAsync(memberId, mailId, session => SetSeenAsync(session, memberId, mailId, seen: true), cancellationToken);

    public Task<MailChange> MarkUnreadAsync(long memberId, string mailId, CancellationToken cancellationToken) =>
        ChangeAsync(memberId, mailId, session => SetSeenAsync(session, memberId, mailId, seen: false), cancellationToken);

    /// <summary>Moves a copy from the inbox to the trash (the raw message stays: other members' copies may share it).</summary>
    public Task<MailChange> DeleteAsync(long memberId, string mailId, CancellationToken cancellationToken) =>
        ChangeAsync(
            memberId,
            mailId,
            async session => await MailStore.MoveToTrashAsync(session, memberId, mailId) switch
            {
                null => (false, 0),
                true => (true, 0),
                false => (true, -1),
            },
            cancellationToken);

    private static async Task<(bool Changed, int Delta)> SetSeenAsync(StoreSession session, long memberId, string mailId, bool seen)
    {
        var folder = await MailStore.SetSeenAsync(session, memberId, mailId, seen);
        return folder is null ? (false, 0) : (true, folder == MailStore.Inbox ? (seen ? -1 : +1) : 0);
    }

    private async Task<MailChange> ChangeAsync(long memberId, string mailId, Func<StoreSession, Task<(bool Changed, int Delta)>> change, CancellationToken cancellationToken)
    {
        if (!MailIds.IsWellFormed(mailId))
        {
            return MailChange.NotFound;
        }

        var result = await database.WriteAsync<MailChange>(
            async session =>
            {
                var member = await MailStore.RecipientAsync(session, memberId);
                if (member is null || await MailStore.FindAsync(session, memberId, mailId) is null)
                {
                    return MailChange.NotFound;
                }

                var (changed, delta) = await change(session);
                var count = delta == 0
                    ? await MailStore.UnreadCountAsync(session, memberId)
                    : await MailStore.AdjustUnreadAsync(session, memberId, delta);
                return new MailChange(true, changed, count, member.EnterpriseId, member.Address);
            },
            null,
            cancellationToken);
        var outcome = result.Value!;
        if (outcome.Changed)
        {
            await notifier.UnreadCountChangedAsync(outcome.EnterpriseId, new UnreadCountEvent(outcome.Member, outcome.UnreadCount), cancellationToken);
        }

        return outcome;
    }

    private static string AttachmentName(MimeEntity entity, int index) =>
        entity switch
        {
            MimePart { FileName: { Length: > 0 } name } => name,
            MessagePart { Message.Subject: { Length: > 0 } subject } => subject + ".eml",
            _ => $"attachment-{index + 1}",
        };
}

/// <summary>One page of a folder.</summary>
internal sealed record MailPage(IReadOnlyList<MailRow> Items, int Total, int Page, int PageSize, int UnreadCount)
{
    public int PageCount => Total == 0 ? 1 : (Total + PageSize - 1) / PageSize;
}

/// <summary>A copy with its parsed MIME and its attachments (index into <c>Message.Attachments</c>).</summary>
internal sealed record MailContent(MailRow Mail, MimeMessage Message, IReadOnlyList<MailAttachment> Attachments);

/// <summary>An attachment as a page lists it.</summary>
internal sealed record MailAttachment(int Index, string FileName, string ContentType);

/// <summary>
/// The outcome of a change: whether the copy exists, whether anything changed, and the member's
/// inbox unread count after it.
/// </summary>
internal sealed record MailChange(bool Found, bool Changed, int UnreadCount, long EnterpriseId, string Member)
{
    public static MailChange NotFound { get; } = new(false, false, 0, 0, "");
}
