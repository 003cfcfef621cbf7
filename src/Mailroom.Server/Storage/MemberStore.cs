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
