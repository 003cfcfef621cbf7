namespace Mailroom.Server.Storage;

/// <summary>Webmail sessions (Sso/WebmailSessions.cs), stored by the SHA-256 of their id.</summary>
internal static class WebmailSessionStore
{
    public static Task InsertAsync(StoreSession session, byte[] idHash, long memberId, long enterpriseId, string passwordStamp, DateTimeOffset now, DateTimeOffset expiresAt) =>
        session.ExecuteAsync(
            """
            INSERT INTO webmail_sessions (id_hash, member_id, enterprise_id, password_stamp, created_at, expires_at)
            VALUES (@h, @m, @e, @s, @now, @x)
            """,
            ("@h", idHash), ("@m", memberId), ("@e", enterpriseId), ("@s", passwordStamp), ("@now", now.ToUnixTimeMilliseconds()), ("@x", expiresAt.ToUnixTimeMilliseconds()));

    /// <summary>The session with its member as they are now; null when the session or the member is gone.</summary>
    public static Task<WebmailSessionRow?> FindAsync(StoreSession session, byte[] idHash) =>
        session.QuerySingleAsync(
            """
            SELECT s.member_id, s.enterprise_id, s.password_stamp, s.expires_at, m.enterprise_id, m.address, m.name, m.open_type, m.password_hash
            FROM webmail_sessions s JOIN members m ON m.id = s.member_id
            WHERE s.id_hash = @h
            """,
            r => new WebmailSessionRow(
                r.GetInt64(0),
                r.GetInt64(1),
                r.GetString(2),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)),
                r.GetInt64(4),
                r.GetString(5),
                r.GetString(6),
                r.GetInt32(7),
                r.GetString(8)),
            ("@h", idHash));

    public static Task ExtendAsync(StoreSession session, byte[] idHash, DateTimeOffset expiresAt) =>
        session.ExecuteAsync("UPDATE webmail_sessions SET expires_at = @x WHERE id_hash = @h", ("@x", expiresAt.ToUnixTimeMilliseconds()), ("@h", idHash));

    public static Task DeleteAsync(StoreSession session, byte[] idHash) =>
        session.ExecuteAsync("DELETE FROM webmail_sessions WHERE id_hash = @h", ("@h", idHash));

    /// <summary>Ends every session of a member (deleted, disabled, or a new password).</summary>
    public static Task DeleteForMemberAsync(StoreSession session, long memberId) =>
        session.ExecuteAsync("DELETE FROM webmail_sessions WHERE member_id = @m", ("@m", memberId));

    /// <summary>Drops sessions that expired unused, so that they do not pile up.</summary>
    public static Task DeleteExpiredAsync(StoreSession session, DateTimeOffset now) =>
        session.ExecuteAsync("DELETE FROM webmail_sessions WHERE expires_at <= @now", ("@now", now.ToUnixTimeMilliseconds()));
}

/// <summary>A stored webmail session and the current state of its member.</summary>
internal sealed record WebmailSessionRow(
    long MemberId,
    long EnterpriseId,
    string PasswordStamp,
    DateTimeOffset ExpiresAt,
    long MemberEnterpriseId,
    string Address,
    string Name,
    int OpenType,
    string PasswordHash);
