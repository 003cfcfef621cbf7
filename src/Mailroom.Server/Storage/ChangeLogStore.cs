namespace Mailroom.Server.Storage;

/// <summary>The member change log behind versions and user/list (PROTOCOL.md §6.1, §6.4).</summary>
internal static class ChangeLogStore
{
    /// <summary>
    /// Records one change; an ADD or MOD also stamps the member with its version, unless the
    /// caller's own write of the member row already did (<paramref name="memberStamped"/>).
    /// </summary>
    public static async Task RecordAsync(StoreSession session, long enterpriseId, long version, string address, int action, bool memberStamped = false)
    {
        await session.ExecuteAsync(
            "INSERT INTO member_changes (enterprise_id, version, address, action) VALUES (@e, @v, @a, @x)",
            ("@e", enterpriseId), ("@v", version), ("@a", address), ("@x", action));
        if (action != 1 && !memberStamped)
        {
            await session.ExecuteAsync("UPDATE members SET changed_version = @v WHERE address = @a", ("@v", version), ("@a", address));
        }
    }

    /// <summary>
    /// Every change recorded after <paramref name="version"/>, oldest first (version, then seq).
    /// Reads only the rows after it through the (enterprise_id, version) index.
    /// </summary>
    public static Task<List<ChangeRow>> ChangesAfterAsync(StoreSession session, long enterpriseId, long version) =>
        session.QueryAsync(
            "SELECT version, address, action FROM member_changes WHERE enterprise_id = @e AND version > @v ORDER BY version, seq",
            r => new ChangeRow(r.GetInt64(0), r.GetString(1), r.GetInt32(2)),
            ("@e", enterpriseId), ("@v", version));
}

/// <summary>One recorded member change.</summary>
internal readonly record struct ChangeRow(long Version, string Address, int Action);
