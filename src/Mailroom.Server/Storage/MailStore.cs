using System.Data.Common;

namespace Mailroom.Server.Storage;

/// <summary>
/// Received messages and members' copies of them (PROTOCOL.md §7), with the inbox unread count
/// kept in <c>members.unread_count</c> by the same transactions that change a copy.
/// </summary>
internal static class MailStore
{
    public const string Inbox = "inbox";
    public const string Trash = "trash";

    private const string MailColumns =
        "c.mail_id, c.member_id, c.delivered_to, c.folder, c.seen, c.received_at, m.file, m.file_offset, m.size, m.sender, m.recipients, m.subject, m.summary";

    /// <summary>A member as delivery needs it, by id.</summary>
    public static Task<MailRecipient?> RecipientAsync(StoreSession session, long memberId) =>
        session.QuerySingleAsync(
            "SELECT id, enterprise_id, address, open_type FROM members WHERE id = @m",
            r => new MailRecipient(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetInt32(3) != 2),
            ("@m", memberId));

    public static async Task<long> InsertMessageAsync(StoreSession session, StoredMessage message) =>
        (await session.ScalarAsync<long?>(
            """
            INSERT INTO messages (file, file_offset, size, sender, recipients, subject, summary, received_at)
            VALUES (@f, @o, @s, @from, @to, @subj, @sum, @at) RETURNING id
            """,
            ("@f", message.File),
            ("@o", message.Offset),
            ("@s", message.Size),
            ("@from", message.Sender),
            ("@to", message.Recipients),
            ("@subj", message.Subject),
            ("@sum", message.Summary),
            ("@at", message.ReceivedAt.ToUnixTimeMilliseconds())))!.Value;

    /// <summary>Puts an unseen copy of a message into a member's inbox.</summary>
    public static Task InsertMailAsync(StoreSession session, string mailId, MailRecipient member, long messageId, string deliveredTo, DateTimeOffset receivedAt) =>
        session.ExecuteAsync(
            """
            INSERT INTO mails (mail_id, enterprise_id, member_id, message_id, delivered_to, folder, seen, received_at)
            VALUES (@id, @e, @m, @msg, @to, 'inbox', 0, @at)
            """,
            ("@id", mailId),
            ("@e", member.EnterpriseId),
            ("@m", member.Id),
            ("@msg", messageId),
            ("@to", deliveredTo),
            ("@at", receivedAt.ToUnixTimeMilliseconds()));

    /// <summary>Deletes every copy a member holds, in any folder.</summary>
    public static Task DeleteForMemberAsync(StoreSession session, long memberId) =>
        session.ExecuteAsync("DELETE FROM mails WHERE member_id = @m", ("@m", memberId));

    /// <summary>Changes a member's inbox unread count by <paramref name="delta"/>; the count after it.</summary>
    public static async Task<int> AdjustUnreadAsync(StoreSession session, long memberId, int delta) =>
        (int)((await session.ScalarAsync<long?>(
            "UPDATE members SET unread_count = unread_count + @d WHERE id = @m RETURNING unread_count",
            ("@d", delta), ("@m", memberId))) ?? 0);

    public static async Task<int> UnreadCountAsync(StoreSession session, long memberId) =>
        (int)(await session.ScalarAsync<long?>("SELECT unread_count FROM members WHERE id = @m", ("@m", memberId)) ?? 0);

    /// <summary>One page of a member's folder, newest first.</summary>
    public static Task<List<MailRow>> ListAsync(StoreSession session, long memberId, string folder, int limit, int offset) =>
        session.QueryAsync(
            $"""
            SELECT {MailColumns} FROM mails c JOIN messages m ON m.id = c.message_id
            WHERE c.member_id = @m AND c.folder = @f
            ORDER BY c.received_at DESC, c.message_id DESC
            LIMIT @limit OFFSET @offset
            """,
            Map,
            ("@m", memberId), ("@f", folder), ("@limit", limit), ("@offset", offset));

    public static async Task<int> CountAsync(StoreSession session, long memberId, string folder) =>
        (int)(await session.ScalarAsync<long?>(
            "SELECT COUNT(*) FROM mails WHERE member_id = @m AND folder = @f",
            ("@m", memberId), ("@f", folder)) ?? 0);

    /// <summary>A member's copy by its MailId, or null when the member has no such copy.</summary>
    public static Task<MailRow?> FindAsync(StoreSession session, long memberId, string mailId) =>
        session.QuerySingleAsync(
            $"SELECT {MailColumns} FROM mails c JOIN messages m ON m.id = c.message_id WHERE c.mail_id = @id AND c.member_id = @m",
            Map,
            ("@id", mailId), ("@m", memberId));

    /// <summary>Sets a copy's seen flag; the copy's folder when the flag changed, null when it did not (or no such copy).</summary>
    public static Task<string?> SetSeenAsync(StoreSession session, long memberId, string mailId, bool seen) =>
        session.ScalarAsync<string>(
            "UPDATE mails SET seen = @s WHERE mail_id = @id AND member_id = @m AND seen <> @s RETURNING folder",
            ("@s", seen ? 1 : 0), ("@id", mailId), ("@m", memberId));

    /// <summary>Moves a copy from the inbox to the trash; whether it was seen, or null when it was not in the inbox.</summary>
    public static async Task<bool?> MoveToTrashAsync(StoreSession session, long memberId, string mailId)
    {
        var seen = await session.ScalarAsync<long?>(
            "UPDATE mails SET folder = 'trash' WHERE mail_id = @id AND member_id = @m AND folder = 'inbox' RETURNING seen",
            ("@id", mailId), ("@m", memberId));
        return seen is null ? null : seen != 0;
    }

    /// <summary>True when a message row names <paramref name="file"/> (orphan files have none).</summary>
    public static async Task<bool> FileIsStoredAsync(StoreSession session, string file) =>
        await session.ScalarAsync<long?>("SELECT id FROM messages WHERE file = @f", ("@f", file)) is not null;

    private static MailRow Map(DbDataReader r) => new(
        r.GetString(0),
        r.GetInt64(1),
        r.GetString(2),
        r.GetString(3),
        r.GetInt64(4) != 0,
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
        r.GetString(6),
        r.GetInt64(7),
        r.GetInt64(8),
        r.GetString(9),
        r.GetString(10),
        r.GetString(11),
        r.GetString(12));
}

/// <summary>A member that mail may be delivered to.</summary>
internal sealed record MailRecipient(long Id, long EnterpriseId, string Address, bool Enabled);

/// <summary>A received message as stored once for all its copies.</summary>
internal sealed record StoredMessage(
    string File, long Offset, long Size, string Sender, string Recipients, string Subject, string Summary, DateTimeOffset ReceivedAt);

/// <summary>A member's copy of a message, with the message's metadata.</summary>
internal sealed record MailRow(
    string MailId,
    long MemberId,
    string DeliveredTo,
    string Folder,
    bool Seen,
    DateTimeOffset ReceivedAt,
    string File,
    long Offset,
    long Size,
    string Sender,
    string Recipients,
    string Subject,
    string Summary);
