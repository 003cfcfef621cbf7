namespace Mailroom.Server.Storage;

/// <summary>The queue of members whose stored password still awaits its slow hash.</summary>
internal static class PasswordHardeningStore
{
    public static Task EnqueueAsync(StoreSession session, long memberId) =>
        session.ExecuteAsync("INSERT INTO password_hardening (member_id) VALUES (@m) ON CONFLICT (member_id) DO NOTHING", ("@m", memberId));

    /// <summary>Up to <paramref name="limit"/> queued members with their current stored hash (null: the member is gone).</summary>
    public static Task<List<(long MemberId, string? PasswordHash)>> PendingAsync(StoreSession session, int limit) =>
        session.QueryAsync(
            "SELECT h.member_id, m.password_hash FROM password_hardening h LEFT JOIN members m ON m.id = h.member_id ORDER BY h.member_id LIMIT @n",
            r => (r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1)),
            ("@n", limit));

    /// <summary>
    /// Stores the slow hash unless the password changed meanwhile (then the newer one is queued
    /// already), and takes the member off the queue.
    /// </summary>
    public static async Task CompleteAsync(StoreSession session, long memberId, string quick, string? slow)
    {
        if (slow is not null)
        {
            await session.ExecuteAsync(
                "UPDATE members SET password_hash = @slow WHERE id = @m AND password_hash = @quick",
                ("@slow", slow), ("@m", memberId), ("@quick", quick));
        }

        await session.ExecuteAsync(
            "DELETE FROM password_hardening WHERE member_id = @m AND NOT EXISTS (SELECT 1 FROM members WHERE id = @m AND password_hash <> @quick AND password_hash LIKE 'hmac-sha256$%')",
            ("@m", memberId), ("@quick", quick));
    }

    public static Task DequeueAsync(StoreSession session, long memberId) =>
        session.ExecuteAsync("DELETE FROM password_hardening WHERE member_id = @m", ("@m", memberId));
}
