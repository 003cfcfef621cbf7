namespace Mailroom.Server.Storage;

/// <summary>
/// What the administrator's console shows of a directory: whole lists with names and counts that
/// the open protocol never reads. Read-only; every query is scoped by the enterprise.
/// </summary>
internal static class DirectoryViewStore
{
    private const string LikeEscape = "ESCAPE '\\'";

    /// <summary>Every department of the enterprise with the number of members directly in it.</summary>
    public static Task<List<DepartmentNode>> DepartmentsAsync(StoreSession session, long enterpriseId) =>
        session.QueryAsync(
            """
            SELECT d.id, d.parent_id, d.name, (SELECT COUNT(*) FROM member_departments md WHERE md.department_id = d.id)
            FROM departments d WHERE d.enterprise_id = @e
            """,
            r => new DepartmentNode(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetInt64(3)),
            ("@e", enterpriseId));

    /// <summary>How many members are in no department (directly in the root).</summary>
    public static async Task<long> RootMemberCountAsync(StoreSession session, long enterpriseId) =>
        await session.ScalarAsync<long?>(
            "SELECT COUNT(*) FROM members m WHERE m.enterprise_id = @e AND NOT EXISTS (SELECT 1 FROM member_departments md WHERE md.member_id = m.id)",
            ("@e", enterpriseId)) ?? 0;

    /// <summary>One page of the members directly in a department (0 = the root), by address after <paramref name="after"/>.</summary>
    public static Task<List<MemberSummary>> MembersInAsync(StoreSession session, long enterpriseId, long departmentId, string after, int limit) =>
        departmentId == 0
            ? session.QueryAsync(
                """
                SELECT m.address, m.name, m.open_type FROM members m
                WHERE m.enterprise_id = @e AND NOT EXISTS (SELECT 1 FROM member_departments md WHERE md.member_id = m.id)
                  AND m.address > @after
                ORDER BY m.address LIMIT @limit
                """,
                MapMember,
                ("@e", enterpriseId), ("@after", after), ("@limit", limit))
            : session.QueryAsync(
                """
                SELECT m.address, m.name, m.open_type FROM member_departments md JOIN members m ON m.id = md.member_id
                WHERE md.department_id = @d AND m.enterprise_id = @e AND m.address > @after
                ORDER BY m.address LIMIT @limit
                """,
                MapMember,
                ("@d", departmentId), ("@e", enterpriseId), ("@after", after), ("@limit", limit));

    /// <summary>Members whose address, alias or name contains <paramref name="text"/> (case-insensitive for ASCII).</summary>
    public static Task<List<MemberSummary>> SearchMembersAsync(StoreSession session, long enterpriseId, string text, int limit) =>
        session.QueryAsync(
            $"""
            SELECT m.address, m.name, m.open_type FROM members m
            WHERE m.enterprise_id = @e
              AND (m.address LIKE @q {LikeEscape} OR lower(m.name) LIKE @q {LikeEscape}
                   OR EXISTS (SELECT 1 FROM member_aliases a WHERE a.member_id = m.id AND a.address LIKE @q {LikeEscape}))
            ORDER BY m.address LIMIT @limit
            """,
            MapMember,
            ("@e", enterpriseId), ("@q", "%" + EscapeLike(text.ToLowerInvariant()) + "%"), ("@limit", limit));

    /// <summary>Every mail group of the enterprise, by address, with the sizes of its lists.</summary>
    public static Task<List<GroupSummary>> GroupsAsync(StoreSession session, long enterpriseId) =>
        session.QueryAsync(
            """
            SELECT g.address, g.name, g.status,
                   (SELECT COUNT(*) FROM mail_group_members gm WHERE gm.group_id = g.id),
                   (SELECT COUNT(*) FROM mail_group_allow_list ga WHERE ga.group_id = g.id)
            FROM mail_groups g WHERE g.enterprise_id = @e ORDER BY g.address
            """,
            r => new GroupSummary(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4)),
            ("@e", enterpriseId));

    /// <summary>Groups (of the enterprise) whose address or name contains <paramref name="text"/>.</summary>
    public static Task<List<GroupSummary>> SearchGroupsAsync(StoreSession session, long enterpriseId, string text, int limit) =>
        session.QueryAsync(
            $"""
            SELECT g.address, g.name, g.status,
                   (SELECT COUNT(*) FROM mail_group_members gm WHERE gm.group_id = g.id),
                   (SELECT COUNT(*) FROM mail_group_allow_list ga WHERE ga.group_id = g.id)
            FROM mail_groups g WHERE g.enterprise_id = @e AND (g.address LIKE @q {LikeEscape} OR lower(g.name) LIKE @q {LikeEscape})
            ORDER BY g.address LIMIT @limit
            """,
            r => new GroupSummary(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4)),
            ("@e", enterpriseId), ("@q", "%" + EscapeLike(text.ToLowerInvariant()) + "%"), ("@limit", limit));

    /// <summary>The group of the enterprise with that address, with its name and status; null when none.</summary>
    public static Task<GroupDetail?> GroupAsync(StoreSession session, long enterpriseId, string address) =>
        session.QuerySingleAsync(
            "SELECT id, address, name, status FROM mail_groups WHERE address = @a AND enterprise_id = @e",
            r => new GroupDetail(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3)),
            ("@a", address), ("@e", enterpriseId));

    /// <summary>The members of a group, by address.</summary>
    public static Task<List<MemberSummary>> GroupMembersAsync(StoreSession session, long groupId) =>
        session.QueryAsync(
            """
            SELECT m.address, m.name, m.open_type FROM mail_group_members gm JOIN members m ON m.id = gm.member_id
            WHERE gm.group_id = @g ORDER BY m.address
            """,
            MapMember,
            ("@g", groupId));

    /// <summary>The allow list of a group, by address.</summary>
    public static Task<List<MemberSummary>> GroupAllowListAsync(StoreSession session, long groupId) =>
        session.QueryAsync(
            """
            SELECT m.address, m.name, m.open_type FROM mail_group_allow_list ga JOIN members m ON m.id = ga.member_id
            WHERE ga.group_id = @g ORDER BY m.address
            """,
            MapMember,
            ("@g", groupId));

    /// <summary>The groups a member belongs to, by address.</summary>
    public static Task<List<string>> GroupsOfMemberAsync(StoreSession session, long memberId) =>
        session.QueryAsync(
            "SELECT g.address FROM mail_group_members gm JOIN mail_groups g ON g.id = gm.group_id WHERE gm.member_id = @m ORDER BY g.address",
            r => r.GetString(0),
            ("@m", memberId));

    private static MemberSummary MapMember(System.Data.Common.DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetInt32(2));

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}

/// <summary>A department: its parent (0 = the root), its name and how many members are directly in it.</summary>
internal sealed record DepartmentNode(long Id, long ParentId, string Name, long Members);

/// <summary>A member as lists show it; <see cref="OpenType"/> 1 enabled, 2 disabled.</summary>
internal sealed record MemberSummary(string Address, string Name, int OpenType);

/// <summary>A mail group as lists show it.</summary>
internal sealed record GroupSummary(string Address, string Name, string Status, long Members, long AllowList);

/// <summary>A stored mail group.</summary>
internal sealed record GroupDetail(long Id, string Address, string Name, string Status);
