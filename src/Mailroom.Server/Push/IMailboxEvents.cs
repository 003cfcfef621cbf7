using Mailroom.Contracts;

namespace Mailroom.Server.Push;

/// <summary>
/// How the mail path reports mailbox changes to push (PROTOCOL.md §5, §7.1): each event is queued
/// for every client of the enterprise that is online at that moment, and handed to exactly one of
/// its listen requests. Called after the change is durably stored; never blocks on listeners.
/// </summary>
internal interface IMailboxEvents
{
    /// <summary>A copy of a message was delivered to a member's inbox.</summary>
    ValueTask NewMailAsync(long enterpriseId, NewMailEvent mail, CancellationToken cancellationToken);

    /// <summary>A member's inbox unread count changed (read, marked unread, deleted).</summary>
    ValueTask UnreadCountChangedAsync(long enterpriseId, UnreadCountEvent count, CancellationToken cancellationToken);
}
