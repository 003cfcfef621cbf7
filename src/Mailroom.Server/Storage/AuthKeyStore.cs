namespace Mailroom.Server.Storage;

/// <summary>Single-use login keys of mail/authkey (PROTOCOL.md §7.3), stored as SHA-256 only.</summary>
internal static class AuthKeyStore
{
    public static Task InsertAsync(StoreSession session, byte[] keyHash, long clientKey, long memberId, DateTimeOffset expiresAt) =>
        session.ExecuteAsync(
            "INSERT INTO authkeys (key_hash, client_key, member_id, expires_at) VALUES (@h, @c, @m, @x)",
            ("@h", keyHash), ("@c", clientKey), ("@m", memberId), ("@x", expiresAt.ToUnixTimeMilliseconds()));

    /// <summary>Voids every key of a member (deleted, disabled, or a new password).</summary>
    public static Task DeleteForMemberAsync(StoreSession session, long memberId) =>
        session.ExecuteAsync("DELETE FROM authkeys WHERE member_id = @m", ("@m", memberId));

    /// <summary>Drops the member's keys that have expired, so unused keys do not pile up.</summary>
    public static Task DeleteExpiredForMemberAsync(StoreSession session, long memberId, DateTimeOffset now) =>
        session.ExecuteAsync(
            "DELETE FROM authkeys WHERE member_id = @m AND expires_at <= @now",
            ("@m", memberId), ("@now", now.ToUnixTimeMilliseconds()));

    /// <summary>The stored key with that hash, expired or not.</summary>
    public static Task<AuthKeyRow?> FindAsync(StoreSession session, byte[] keyHash) =>
        session.QuerySingleAsync(
            "SELECT client_key, member_id, expires_at FROM authkeys WHERE key_hash = @h",
            r => new AuthKeyRow(r.GetInt64(0), r.GetInt64(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2))),
            ("@h", keyHash));

    /// <summary>
    /// Takes the key with that hash out of the store and returns it, expired or not; null when there
    /// is none. One statement, so of concurrent presentations of one key exactly one gets it.
    /// </summary>
    public static Task<AuthKeyRow?> ConsumeAsync(StoreSession session, byte[] keyHash) =>
        session.QuerySingleAsync(
            "DELETE FROM authkeys WHERE key_hash = @h RETURNING client_key, member_id, expires_at",
            r => new AuthKeyRow(r.GetInt64(0), r.GetInt64(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2))),
            ("@h", keyHash));
}

/// <summary>A stored authkey: the client it was issued to, its member, and when it expires.</summary>
internal sealed record AuthKeyRow(long ClientKey, long MemberId, DateTimeOffset ExpiresAt);
