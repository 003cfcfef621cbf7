namespace Mailroom.Server.Storage;

/// <summary>Open-protocol clients: one per enterprise, client_id = its administrator account.</summary>
internal static class ClientStore
{
    public static async Task<long?> TryInsertAsync(StoreSession session, long enterpriseId, string clientId, string protectedSecret, byte[] secretHash, DateTimeOffset now) =>
        await session.ScalarAsync<long?>(
            """
            INSERT INTO clients (enterprise_id, client_id, secret_protected, secret_hash, created_at)
            VALUES (@e, @c, @s, @h, @at) ON CONFLICT DO NOTHING RETURNING id
            """,
            ("@e", enterpriseId), ("@c", clientId), ("@s", protectedSecret), ("@h", secretHash), ("@at", now.ToUnixTimeMilliseconds()));

    /// <summary>Every client with what checking a token or a credential needs.</summary>
    public static Task<List<ClientRow>> ListAsync(StoreSession session) =>
        session.QueryAsync(
            """
            SELECT c.id, c.enterprise_id, c.client_id, c.secret_hash, c.token_generation, c.api_enabled, e.allowed_addresses, e.rate_limit
            FROM clients c JOIN enterprises e ON e.id = c.enterprise_id
            """,
            r => new ClientRow(r.GetInt64(0), r.GetInt64(1), r.GetString(2), (byte[])r.GetValue(3), r.GetInt64(4), r.GetInt64(5) != 0, r.GetString(6), r.GetInt32(7)));

    public static Task<ClientRow?> FindAsync(StoreSession session, string clientId) =>
        session.QuerySingleAsync(
            """
            SELECT c.id, c.enterprise_id, c.client_id, c.secret_hash, c.token_generation, c.api_enabled, e.allowed_addresses, e.rate_limit
            FROM clients c JOIN enterprises e ON e.id = c.enterprise_id WHERE c.client_id = @c
            """,
            r => new ClientRow(r.GetInt64(0), r.GetInt64(1), r.GetString(2), (byte[])r.GetValue(3), r.GetInt64(4), r.GetInt64(5) != 0, r.GetString(6), r.GetInt32(7)),
            ("@c", clientId));

    public static Task<string?> ProtectedSecretAsync(StoreSession session, long clientKey) =>
        session.ScalarAsync<string>("SELECT secret_protected FROM clients WHERE id = @id", ("@id", clientKey));

    /// <summary>Replaces the key and moves to a new token generation, so every earlier token is void.</summary>
    public static async Task ReplaceSecretAsync(StoreSession session, long clientKey, string protectedSecret, byte[] secretHash)
    {
        await session.ExecuteAsync(
            "UPDATE clients SET secret_protected = @s, secret_hash = @h, token_generation = token_generation + 1 WHERE id = @id",
            ("@s", protectedSecret), ("@h", secretHash), ("@id", clientKey));
        await session.ExecuteAsync("DELETE FROM authkeys WHERE client_key = @id", ("@id", clientKey));
    }

    /// <summary>
    /// Switches the open protocol. Switching it off also moves to a new token generation: tokens
    /// issued before do not come back to life when it is switched on again (PROTOCOL.md §4).
    /// </summary>
    public static async Task SetEnabledAsync(StoreSession session, long clientKey, bool enabled)
    {
        await session.ExecuteAsync(
            "UPDATE clients SET api_enabled = @on, token_generation = token_generation + @bump WHERE id = @id",
            ("@on", enabled ? 1 : 0), ("@bump", enabled ? 0 : 1), ("@id", clientKey));
        if (!enabled)
        {
            await session.ExecuteAsync("DELETE FROM authkeys WHERE client_key = @id", ("@id", clientKey));
        }
    }
}

/// <summary>A client as token checks need it.</summary>
internal sealed record ClientRow(
    long Key,
    long EnterpriseId,
    string ClientId,
    byte[] SecretHash,
    long TokenGeneration,
    bool ApiEnabled,
    string AllowedAddresses,
    int RateLimit);
