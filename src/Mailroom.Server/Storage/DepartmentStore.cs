namespace Mailroom.Server.Storage;

/// <summary>The department tree of each enterprise (parent_id 0 is the root).</summary>
internal static class DepartmentStore
{
    /// <summary>The id of the department at <paramref name="segments"/> (0 for the root), or null when it does not exist.</summary>
    public static async Task<long?> FindIdAsync(StoreSession session, long enterpriseId, IReadOnlyList<string> segments)
    {
        long id = 0;
        foreach (var segment in segments)
        {
            var child = await session.ScalarAsync<long?>(
                "SELECT id FROM departments WHERE enterprise_id = @e AND parent_id = @p AND name = @n",
                ("@e", enterpriseId), ("@p", id), ("@n", segment));
            if (child is null)
            {
                return null;
            }

            id = child.Value;
        }

        return id;
    }

    /// <summary>The full paths (root excluded, '/'-joined) of every department a member is directly in.</summary>
    public static Task<List<string>> PathsOfMemberAsync(StoreSession session, long memberId) =>
        session.QueryAsync(
            """
            WITH RECURSIVE up (id, parent_id, path) AS (
                SELECT d.id, d.parent_id, d.name
                FROM member_departments md JOIN departments d ON d.id = md.department_id
                WHERE md.member_id = @m
                UNION ALL
                SELECT p.id, p.parent_id, p.name || '/' || up.path
                FROM up JOIN departments p ON p.id = up.parent_id
            )
            SELECT path FROM up WHERE parent_id = 0
            """,
            r => r.GetString(0),
            ("@m", memberId));
}
