namespace Mailroom.Server.Storage;

/// <summary>Mail groups, their members and their allow lists (PROTOCOL.md §6.9).</summary>
internal static class GroupStore
{
    /// <summary>True when a group, a member or a member's alias already has <paramref name="address"/>.</summary>
    public static async Task<bool> AddressUsedAsync(StoreSession session, string address) =>
        await session.ScalarAsync<long?>(
            """
            SELECT (SELECT COUNT(*) FROM mail_groups WHERE address = @a)
                 + (SELECT COUNT(*) FROM members WHERE address = @a)
                 + (SELECT COUNT(*) FROM member_aliases WHERE address = @a)
            """,
            ("@a", address)) > 0;

    /// <summary>The group of one enterprise with that address, or null.</summary>
    public static Task<GroupRow?> FindAsync(StoreSession session, long enterpriseId, string address) =>
        session.QuerySingleAsync(
            "SELECT id, status FROM mail_groups WHERE address = @a AND enterprise_id = @e",
            r => new GroupRow(r.GetInt64(0), r.GetString(1)),
            ("@a", address), ("@e", enterpriseId));

    public static async Task<long> InsertAsync(StoreSession session, long enterpriseId, string address, string name, string status) =>
        (await session.ScalarAsync<long?>(
            "INSERT INTO mail_groups (enterprise_id, address, name, status) VALUES (@e, @a, @n, @s) RETURNING id",
            ("@e", enterpriseId), ("@a", address), ("@n", name), ("@s", status)))!.Value;

    /// <summary>Deletes a group with its member list and allow list.</summary>
    public static async Task DeleteAsync(StoreSession session, long groupId)
    {
        await session.ExecuteAsync("DELETE FROM mail_group_members WHERE group_id = @g", ("@g", groupId));
        await session.ExecuteAsync("DELETE FROM mail_group_allow_list WHERE group_id = @g", ("@g", groupId));
        await session.ExecuteAsync("DELETE FROM mail_groups WHERE id = @g", ("@g", groupId));
    }

    /// <summary>Adds a member to the group; adding one already in it changes nothing.</summary>
    public static Task<int> AddMemberAsync(StoreSession session, long groupId, long memberId) =>
        session.ExecuteAsync(
            "INSERT INTO mail_group_members (group_id, member_id) VALUES (@g, @m) ON CONFLICT DO NOTHING",
            ("@g", groupId), ("@m", memberId));

    /// <summary>Removes a member from the group; false when it was not in it.</summary>
    public static async Task<bool> RemoveMemberAsync(StoreSession session, long groupId, long memberId) =>
        await session.ExecuteAsync(
            "DELETE FROM mail_group_members WHERE group_id = @g AND member_id = @m",
            ("@g", groupId), ("@m", memberId)) == 1;

    /// <summary>Adds a member to the group's allow list; adding one already on it changes nothing.</summary>
    public static Task<int> AllowAsync(StoreSession session, long groupId, long memberId) =>
        session.ExecuteAsync(
            "INSERT INTO mail_group_allow_list (group_id, member_id) VALUES (@g, @m) ON CONFLICT DO NOTHING",
            ("@g", groupId), ("@m", memberId));

    /// <summary>Removes a member from the group's allow list; false when it was not on it.</summary>
    public static async Task<bool> DisallowAsync(StoreSession session, long groupId, long memberId) =>
        await session.ExecuteAsync(
            "DELETE FROM mail_group_allow_list WHERE group_id = @g AND member_id = @m",
            ("@g", groupId), ("@m", memberId)) == 1;

    public static async Task<long> AllowListCountAsync(StoreSession session, long groupId) =>
        await session.ScalarAsync<long?>("SELECT COUNT(*) FROM mail_group_allow_list WHERE group_id = @g", ("@g", groupId)) ?? 0;

    /// <summary>
    /// The group with that address, whatever its enterprise (an address is unique across the
    /// database), with what delivery to it needs: its status, member ids and allow-list ids.
    /// </summary>
    public static async Task<MailGroup?> FindForDeliveryAsync(StoreSession session, string address)
    {
        var group = await session.QuerySingleAsync(
            "SELECT id, enterprise_id, address, name, status FROM mail_groups WHERE address = @a",
            r => new MailGroup(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), [], []),
            ("@a", address));
        if (group is null)
        {
            return null;
        }

        var members = await session.QueryAsync(
            "SELECT member_id FROM mail_group_members WHERE group_id = @g ORDER BY member_id",
            r => r.GetInt64(0),
            ("@g", group.Id));
        var allowed = await session.QueryAsync(
            "SELECT member_id FROM mail_group_allow_list WHERE group_id = @g ORDER BY member_id",
            r => r.GetInt64(0),
            ("@g", group.Id));
        return group with { MemberIds = members, AllowListIds = allowed };
    }
}

/// <summary>A stored group as the group rules need it.</summary>
internal sealed record GroupRow(long Id, string Status);

/// <summary>A group as mail delivery needs it: who belongs to it and who may write to it.</summary>
internal sealed record MailGroup(
    long Id,
    long EnterpriseId,
    string Address,
    string Name,
    string Status,
    IReadOnlyList<long> MemberIds,
    IReadOnlyList<long> AllowListIds);
