namespace Mailroom.Server.Storage;

/// <summary>The member change log behind versions and user/list (PROTOCOL.md §6.1, §6.4).</summary>
internal static class ChangeLogStore
{
    /// <summary>Records one change; an ADD or MOD also stamps the member with its version.</summary>
    public static async Task RecordAsync(StoreSession session, long enterpriseId, long version, string address, int action)
    {
        await session.ExecuteAsync(
            "INSERT INTO member_changes (enterprise_id, version, address, action) VALUES (@e, @v, @a, @x)",
            ("@e", enterpriseId), ("@v", version), ("@a", address), ("@x", action));
        if (action != 1)
        {
            await session.ExecuteAsync("UPDATE members SET changed_version = @v WHERE address = @a", ("@v", version), ("@a", address));
        }
    }
}
