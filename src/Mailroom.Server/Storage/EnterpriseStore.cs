namespace Mailroom.Server.Storage;

/// <summary>Enterprises, their domains, settings and directory version counter.</summary>
internal static class EnterpriseStore
{
    public static async Task<long> InsertAsync(StoreSession session, string name, long version, DateTimeOffset now) =>
        (await session.ScalarAsync<long?>(
            "INSERT INTO enterprises (name, version, created_at) VALUES (@n, @v, @at) RETURNING id",
            ("@n", name), ("@v", version), ("@at", now.ToUnixTimeMilliseconds())))!.Value;

    /// <summary>Adds a domain; false when any enterprise already owns it.</summary>
    public static async Task<bool> TryAddDomainAsync(StoreSession session, long enterpriseId, string domain) =>
        await session.ExecuteAsync(
            "INSERT INTO domains (name, enterprise_id) VALUES (@d, @e) ON CONFLICT (name) DO NOTHING",
            ("@d", domain), ("@e", enterpriseId)) == 1;

    public static Task<List<string>> DomainsAsync(StoreSession session, long enterpriseId) =>
        session.QueryAsync("SELECT name FROM domains WHERE enterprise_id = @e ORDER BY name", r => r.GetString(0), ("@e", enterpriseId));

    /// <summary>Every domain with its enterprise, ordered by enterprise then name.</summary>
    public static Task<List<(long EnterpriseId, string Domain)>> AllDomainsAsync(StoreSession session) =>
        session.QueryAsync("SELECT enterprise_id, name FROM domains ORDER BY enterprise_id, name", r => (r.GetInt64(0), r.GetString(1)));

    /// <summary>True when the enterprise owns <paramref name="domain"/>.</summary>
    public static async Task<bool> OwnsDomainAsync(StoreSession session, long enterpriseId, string domain) =>
        await DomainOwnerAsync(session, domain) == enterpriseId;

    /// <summary>The enterprise that owns <paramref name="domain"/>, or null when none does.</summary>
    public static async Task<long?> DomainOwnerAsync(StoreSession session, string domain)
    {
        if (session.TryGetDomainOwner(domain, out var known))
        {
            return known;
        }

        var owner = await session.ScalarAsync<long?>("SELECT enterprise_id FROM domains WHERE name = @d", ("@d", domain));
        if (owner is { } found)
        {
            session.LearnDomainOwner(domain, found);
        }

        return owner;
    }

    /// <summary>
    /// Takes the next directory version (PROTOCOL.md §6.1): max(now in ms, last + 1). Done by the
    /// database in the writing transaction, so processes sharing the database never hand out the
    /// same or a smaller version.
    /// </summary>
    public static async Task<long> NextVersionAsync(StoreSession session, long enterpriseId, DateTimeOffset now) =>
        (await session.ScalarAsync<long?>(
            "UPDATE enterprises SET version = CASE WHEN @now > version + 1 THEN @now ELSE version + 1 END WHERE id = @e RETURNING version",
            ("@now", now.ToUnixTimeMilliseconds()), ("@e", enterpriseId)))!.Value;

    public static async Task<long> VersionAsync(StoreSession session, long enterpriseId) =>
        await session.ScalarAsync<long?>("SELECT version FROM enterprises WHERE id = @e", ("@e", enterpriseId)) ?? 0;

    public static Task<List<EnterpriseRow>> ListAsync(StoreSession session) =>
        session.QueryAsync(
            """
            SELECT e.id, e.name, e.version, e.allowed_addresses, e.rate_limit, e.created_at,
                   c.client_id, c.api_enabled,
                   (SELECT COUNT(*) FROM members m WHERE m.enterprise_id = e.id)
            FROM enterprises e LEFT JOIN clients c ON c.enterprise_id = e.id
            ORDER BY e.id
            """,
            r => new EnterpriseRow(
                r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetInt32(4),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
                r.IsDBNull(6) ? null : r.GetString(6), !r.IsDBNull(7) && r.GetInt64(7) != 0, r.GetInt64(8)));

    /// <summary>One enterprise, as <see cref="ListAsync"/> shows it; null when there is none with that id.</summary>
    public static Task<EnterpriseRow?> FindAsync(StoreSession session, long enterpriseId) =>
        session.QuerySingleAsync(
            """
            SELECT e.id, e.name, e.version, e.allowed_addresses, e.rate_limit, e.created_at,
                   c.client_id, c.api_enabled,
                   (SELECT COUNT(*) FROM members m WHERE m.enterprise_id = e.id)
            FROM enterprises e LEFT JOIN clients c ON c.enterprise_id = e.id
            WHERE e.id = @e
            """,
            r => new EnterpriseRow(
                r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetInt32(4),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
                r.IsDBNull(6) ? null : r.GetString(6), !r.IsDBNull(7) && r.GetInt64(7) != 0, r.GetInt64(8)),
            ("@e", enterpriseId));

    public static Task<int> UpdateAccessAsync(StoreSession session, long enterpriseId, string allowedAddresses, int rateLimit) =>
        session.ExecuteAsync(
            "UPDATE enterprises SET allowed_addresses = @a, rate_limit = @r WHERE id = @e",
            ("@a", allowedAddresses), ("@r", rateLimit), ("@e", enterpriseId));
}

/// <summary>An enterprise as the operator sees it.</summary>
internal sealed record EnterpriseRow(
    long Id,
    string Name,
    long Version,
    string AllowedAddresses,
    int RateLimit,
    DateTimeOffset CreatedAt,
    string? ClientId,
    bool ApiEnabled,
    long Members);
