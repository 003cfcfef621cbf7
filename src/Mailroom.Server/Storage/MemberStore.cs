using System.Data.Common;

namespace Mailroom.Server.Storage;

/// <summary>Members and their Slave aliases.</summary>
internal static class MemberStore
{
    private const string Columns = "m.id, m.enterprise_id, m.address, m.name, m.gender, m.position, m.tel, m.mobile, m.ext_id, m.password_hash, m.open_type, m.second_factor, m.unread_count, m.changed_version";

    /// <summary>The member whose primary address or Slave alias is <paramref name="address"/>, within one enterprise.</summary>
    public static async Task<MemberRow?> FindAsync(StoreSession session, long enterpriseId, string address) =>
        await session.QuerySingleAsync(
            $"SELECT {Columns} FROM members m WHERE m.address = @a AND m.enterprise_id = @e",
            Map,
            ("@a", address), ("@e", enterpriseId))
        ?? await session.QuerySingleAsync(
            $"SELECT {Columns} FROM member_aliases a JOIN members m ON m.id = a.member_id WHERE a.address = @a AND a.enterprise_id = @e",
            Map,
            ("@a", address), ("@e", enterpriseId));

    public static Task<List<string>> AliasesAsync(StoreSession session, long memberId) =>
        session.QueryAsync("SELECT address FROM member_aliases WHERE member_id = @m ORDER BY address", r => r.GetString(0), ("@m", memberId));

    public static async Task<long> InsertAsync(StoreSession session, long enterpriseId, string address, MemberFields fields, string passwordHash, long version) =>
        (await session.ScalarAsync<long?>(
            """
            INSERT INTO members (id, enterprise_id, address, name, gender, position, tel, mobile, ext_id, password_hash, open_type, changed_version)
            VALUES (
                (SELECT MAX(id) + 1 FROM (SELECT COALESCE(MAX(id), 0) AS id FROM members UNION ALL SELECT highest FROM deleted_member_ids) AS used),
                @e, @a, @n, @g, @p, @t, @mo, @x, @h, @o, @v)
            RETURNING id
            """,
            ("@e", enterpriseId),
            ("@a", address),
            ("@n", fields.Name),
            ("@g", fields.Gender),
            ("@p", fields.Position),
            ("@t", fields.Tel),
            ("@mo", fields.Mobile),
            ("@x", fields.ExtId),
            ("@h", passwordHash),
            ("@o", fields.OpenType),
            ("@v", version)))!.Value;

    /// <summary>Writes the member's fields and stamps it with the version of the change.</summary>
    public static Task UpdateFieldsAsync(StoreSession session, long memberId, MemberFields fields, long version) =>
        session.ExecuteAsync(
            "UPDATE members SET name = @n, gender = @g, position = @p, tel = @t, mobile = @mo, ext_id = @x, open_type = @o, changed_version = @v WHERE id = @id",
            ("@n", fields.Name),
            ("@g", fields.Gender),
            ("@p", fields.Position),
            ("@t", fields.Tel),
            ("@mo", fields.Mobile),
            ("@x", fields.ExtId),
            ("@o", fields.OpenType),
            ("@v", version),
            ("@id", memberId));

    public static Task SetPasswordHashAsync(StoreSession session, long memberId, string passwordHash) =>
        session.ExecuteAsync("UPDATE members SET password_hash = @h WHERE id = @id", ("@h", passwordHash), ("@id", memberId));

    public static Task SetSecondFactorAsync(StoreSession session, long memberId, bool required) =>
        session.ExecuteAsync("UPDATE members SET second_factor = @s WHERE id = @id", ("@s", required ? 1 : 0), ("@id", memberId));

    /// <summary>Changes a member's primary address (user/swapalias); the caller frees the new one first.</summary>
    public static Task SetAddressAsync(StoreSession session, long memberId, string address) =>
        session.ExecuteAsync("UPDATE members SET address = @a WHERE id = @id", ("@a", address), ("@id", memberId));

    public static Task AddAliasAsync(StoreSession session, long enterpriseId, long memberId, string address) =>
        session.ExecuteAsync(
            "INSERT INTO member_aliases (address, member_id, enterprise_id) VALUES (@a, @m, @e)",
            ("@a", address), ("@m", memberId), ("@e", enterpriseId));

    public static Task RemoveAliasAsync(StoreSession session, long memberId, string address) =>
        session.ExecuteAsync("DELETE FROM member_aliases WHERE address = @a AND member_id = @m", ("@a", address), ("@m", memberId));

    /// <summary>The ids of the departments the member is directly in; none means the root.</summary>
    public static Task<List<long>> DepartmentIdsAsync(StoreSession session, long memberId) =>
        session.QueryAsync("SELECT department_id FROM member_departments WHERE member_id = @m ORDER BY department_id", r => r.GetInt64(0), ("@m", memberId));

    public static Task AddToDepartmentAsync(StoreSession session, long memberId, long departmentId) =>
        session.ExecuteAsync(
            "INSERT INTO member_departments (member_id, department_id) VALUES (@m, @d)",
            ("@m", memberId), ("@d", departmentId));

    public static Task RemoveFromDepartmentAsync(StoreSession session, long memberId, long departmentId) =>
        session.ExecuteAsync(
            "DELETE FROM member_departments WHERE member_id = @m AND department_id = @d",
            ("@m", memberId), ("@d", departmentId));

    /// <summary>
    /// Deletes a member with every row that names it: aliases, department links, group memberships
    /// and allow-list entries, authkeys, webmail sessions, the second factor, mail and a queued
    /// password hardening. Its address becomes free; its id is never given again (see
    /// deleted_member_ids in the schema).
    /// </summary>
    public static async Task DeleteAsync(StoreSession session, long memberId)
    {
        await AuthKeyStore.DeleteForMemberAsync(session, memberId);
        await WebmailSessionStore.DeleteForMemberAsync(session, memberId);
        await TotpStore.DeleteAsync(session, memberId);
        await MailStore.DeleteForMemberAsync(session, memberId);
        await PasswordHardeningStore.DequeueAsync(session, memberId);
        await session.ExecuteAsync("DELETE FROM member_aliases WHERE member_id = @m", ("@m", memberId));
        await session.ExecuteAsync("DELETE FROM member_departments WHERE member_id = @m", ("@m", memberId));
        await session.ExecuteAsync("DELETE FROM mail_group_members WHERE member_id = @m", ("@m", memberId));
        await session.ExecuteAsync("DELETE FROM mail_group_allow_list WHERE member_id = @m", ("@m", memberId));
        await session.ExecuteAsync("DELETE FROM members WHERE id = @m", ("@m", memberId));
        await session.ExecuteAsync(
            """
            INSERT INTO deleted_member_ids (only_row, highest) VALUES (1, @m)
            ON CONFLICT (only_row) DO UPDATE SET highest = excluded.highest WHERE deleted_member_ids.highest < excluded.highest
            """,
            ("@m", memberId));
    }

    /// <summary>Every member's primary address, in the order of their last change (user/list Ver=0).</summary>
    public static Task<List<string>> AddressesByChangeAsync(StoreSession session, long enterpriseId) =>
        session.QueryAsync(
            "SELECT address FROM members WHERE enterprise_id = @e ORDER BY changed_version, address",
            r => r.GetString(0),
            ("@e", enterpriseId));

    /// <summary>The member with this id, in whatever enterprise; null when deleted.</summary>
    public static Task<MemberRow?> FindByIdAsync(StoreSession session, long memberId) =>
        session.QuerySingleAsync($"SELECT {Columns} FROM members m WHERE m.id = @id", Map, ("@id", memberId));

    public static MemberRow Map(DbDataReader r) => new(
        r.GetInt64(0),
        r.GetInt64(1),
        r.GetString(2),
        r.GetString(3),
        r.GetInt32(4),
        r.GetString(5),
        r.GetString(6),
        r.GetString(7),
        r.GetString(8),
        r.GetString(9),
        r.GetInt32(10),
        r.GetInt64(11) != 0,
        r.GetInt64(12),
        r.GetInt64(13));
}

/// <summary>A stored member.</summary>
internal sealed record MemberRow(
    long Id,
    long EnterpriseId,
    string Address,
    string Name,
    int Gender,
    string Position,
    string Tel,
    string Mobile,
    string ExtId,
    string PasswordHash,
    int OpenType,
    bool SecondFactor,
    long UnreadCount,
    long ChangedVersion);
