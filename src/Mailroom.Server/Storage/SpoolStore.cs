namespace Mailroom.Server.Storage;

/// <summary>
/// The message spool's recovery mark, and which of a spool file's messages the database holds
/// (Mail/MessageSpool.cs, Mail/SpoolRecovery.cs).
/// </summary>
internal static class SpoolStore
{
    /// <summary>The spool's mark, or null when it has never written one.</summary>
    public static Task<SpoolMark?> MarkAsync(StoreSession session, string spool) =>
        session.QuerySingleAsync(
            "SELECT file, file_offset FROM spool_marks WHERE spool = @s",
            r => new SpoolMark(r.GetString(0), r.GetInt64(1)),
            ("@s", spool));

    public static Task SetMarkAsync(StoreSession session, string spool, SpoolMark mark) =>
        session.ExecuteAsync(
            """
            INSERT INTO spool_marks (spool, file, file_offset) VALUES (@s, @f, @o)
            ON CONFLICT (spool) DO UPDATE SET file = excluded.file, file_offset = excluded.file_offset
            """,
            ("@s", spool),
            ("@f", mark.File),
            ("@o", mark.Offset));

    /// <summary>The offsets of the messages stored from <paramref name="file"/>.</summary>
    public static async Task<HashSet<long>> StoredOffsetsAsync(StoreSession session, string file) =>
        [.. await session.QueryAsync("SELECT file_offset FROM messages WHERE file = @f", r => r.GetInt64(0), ("@f", file))];
}

/// <summary>A position in the spool: a file (relative to the spool's root) and an offset in it.</summary>
internal sealed record SpoolMark(string File, long Offset);
