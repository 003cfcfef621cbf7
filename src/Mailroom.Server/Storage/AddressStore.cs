namespace Mailroom.Server.Storage;

/// <summary>
/// What uses an address in the directory: a member's primary address, a member's alias or a group.
/// An address is unique across the whole database (a domain belongs to one enterprise), so one
/// address has at most one use.
/// </summary>
internal static class AddressStore
{
    /// <summary>The use of <paramref name="address"/>, or null when it is free.</summary>
    public static Task<AddressUse?> FindUseAsync(StoreSession session, string address) =>
        session.QuerySingleAsync(
            """
            SELECT 1, id FROM members WHERE address = @a
            UNION ALL SELECT 2, member_id FROM member_aliases WHERE address = @a
            UNION ALL SELECT 3, id FROM mail_groups WHERE address = @a
            """,
            r => new AddressUse((AddressKind)r.GetInt32(0), r.GetInt64(1)),
            ("@a", address));
}

/// <summary>The kinds of address use; the values are user/check's Type (PROTOCOL.md §6.8).</summary>
internal enum AddressKind
{
    Member = 1,
    Alias = 2,
    Group = 3,
}

/// <summary>An address in use: by what, and the id of the member (for Member and Alias) or group.</summary>
internal sealed record AddressUse(AddressKind Kind, long OwnerId);
