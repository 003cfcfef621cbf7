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

    /// <summary>The names of the immediate children of a department (0 = the root), unsorted.</summary>
    public static Task<List<string>> ChildNamesAsync(StoreSession session, long enterpriseId, long parentId) =>
        session.QueryAsync(
            "SELECT name FROM departments WHERE enterprise_id = @e AND parent_id = @p",
            r => r.GetString(0),
            ("@e", enterpriseId), ("@p", parentId));

    /// <summary>
    /// The id of the department at <paramref name="segments"/>, creating it and any missing parents.
    /// An existing department is found, never duplicated, also when another transaction creates it
    /// at the same time (the unique key decides).
    /// </summary>
    public static async Task<long> EnsurePathAsync(StoreSession session, long enterpriseId, IReadOnlyList<string> segments)
    {
        long id = 0;
        foreach (var segment in segments)
        {
            id = await session.ScalarAsync<long?>(
                    "INSERT INTO departments (enterprise_id, parent_id, name) VALUES (@e, @p, @n) ON CONFLICT (enterprise_id, parent_id, name) DO NOTHING RETURNING id",
                    ("@e", enterpriseId), ("@p", id), ("@n", segment))
                ?? (await session.ScalarAsync<long?>(
                    "SELECT id FROM departments WHERE enterprise_id = @e AND parent_id = @p AND name = @n",
                    ("@e", enterpriseId), ("@p", id), ("@n", segment)))!.Value;
        }

        return id;
    }

    /// <summary>True when the department has no sub-department and no member directly in it.</summary>
    public static async Task<bool> IsEmptyAsync(StoreSession session, long enterpriseId, long departmentId) =>
        await session.ScalarAsync<long?>(
            """
            SELECT (SELECT COUNT(*) FROM departments WHERE enterprise_id = @e AND parent_id = @d)
                 + (SELECT COUNT(*) FROM member_departments WHERE department_id = @d)
            """,
            ("@e", enterpriseId), ("@d", departmentId)) == 0;

    public static Task<int> DeleteAsync(StoreSession session, long departmentId) =>
        session.ExecuteAsync("DELETE FROM departments WHERE id = @d", ("@d", departmentId));

    /// <summary>Re-parents and renames one department; its subtree and members follow by reference.</summary>
    public static Task<int> MoveAsync(StoreSession session, long departmentId, long parentId, string name) =>
        session.ExecuteAsync(
            "UPDATE departments SET parent_id = @p, name = @n WHERE id = @d",
            ("@p", parentId), ("@n", name), ("@d", departmentId));

    /// <summary>The number of levels of a department's subtree, the department itself counting as 1.</summary>
    public static async Task<int> SubtreeHeightAsync(StoreSession session, long enterpriseId, long departmentId) =>
        (int)(await session.ScalarAsync<long?>(
            """
            WITH RECURSIVE down (id, depth) AS (
                SELECT id, 1 FROM departments WHERE id = @d
                UNION ALL
                SELECT c.id, down.depth + 1 FROM down JOIN departments c ON c.enterprise_id = @e AND c.parent_id = down.id
            )
            SELECT MAX(depth) FROM down
            """,
            ("@d", departmentId), ("@e", enterpriseId)) ?? 0);

    /// <summary>The primary addresses of every member in a department or any department below it, each once.</summary>
    public static Task<List<string>> MembersInSubtreeAsync(StoreSession session, long enterpriseId, long departmentId) =>
        session.QueryAsync(
            """
            WITH RECURSIVE down (id) AS (
                SELECT id FROM departments WHERE id = @d
                UNION ALL
                SELECT c.id FROM down JOIN departments c ON c.enterprise_id = @e AND c.parent_id = down.id
            )
            SELECT DISTINCT m.address
            FROM down JOIN member_departments md ON md.department_id = down.id JOIN members m ON m.id = md.member_id
            """,
            r => r.GetString(0),
            ("@d", departmentId), ("@e", enterpriseId));

    /// <summary>The primary addresses of the members directly in a department (not below it), unsorted.</summary>
    public static Task<List<string>> MembersInAsync(StoreSession session, long departmentId) =>
        session.QueryAsync(
            "SELECT m.address FROM member_departments md JOIN members m ON m.id = md.member_id WHERE md.department_id = @d",
            r => r.GetString(0),
            ("@d", departmentId));

    /// <summary>The primary addresses of the members in no department, i.e. directly in the root, unsorted.</summary>
    public static Task<List<string>> MembersInRootAsync(StoreSession session, long enterpriseId) =>
        session.QueryAsync(
            """
            SELECT m.address FROM members m
            WHERE m.enterprise_id = @e AND NOT EXISTS (SELECT 1 FROM member_departments md WHERE md.member_id = m.id)
            """,
            r => r.GetString(0),
            ("@e", enterpriseId));
}
