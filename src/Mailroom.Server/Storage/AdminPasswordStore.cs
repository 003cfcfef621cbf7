namespace Mailroom.Server.Storage;

/// <summary>The administrators' console passwords, one per enterprise.</summary>
internal static class AdminPasswordStore
{
    public static Task<AdminPasswordRow?> FindAsync(StoreSession session, long enterpriseId) =>
        session.QuerySingleAsync(
            "SELECT password_hash, stamp FROM admin_passwords WHERE enterprise_id = @e",
            r => new AdminPasswordRow(r.GetString(0), r.GetString(1)),
            ("@e", enterpriseId));

    /// <summary>Sets (or replaces) the password; the new stamp ends every session signed in before.</summary>
    public static Task<int> SetAsync(StoreSession session, long enterpriseId, string passwordHash, string stamp, DateTimeOffset now) =>
        session.ExecuteAsync(
            """
            INSERT INTO admin_passwords (enterprise_id, password_hash, stamp, changed_at) VALUES (@e, @h, @s, @at)
            ON CONFLICT (enterprise_id) DO UPDATE SET password_hash = excluded.password_hash, stamp = excluded.stamp, changed_at = excluded.changed_at
            """,
            ("@e", enterpriseId), ("@h", passwordHash), ("@s", stamp), ("@at", now.ToUnixTimeMilliseconds()));
}

/// <summary>A stored administrator password (its slow hash) and the stamp of its sessions.</summary>
internal sealed record AdminPasswordRow(string PasswordHash, string Stamp);
