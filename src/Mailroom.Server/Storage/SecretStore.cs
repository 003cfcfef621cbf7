namespace Mailroom.Server.Storage;

/// <summary>Server-wide secrets, stored as the caller protected them.</summary>
internal static class SecretStore
{
    public static Task<string?> GetAsync(StoreSession session, string name) =>
        session.ScalarAsync<string>("SELECT value FROM secrets WHERE name = @n", ("@n", name));

    /// <summary>Stores the value unless one exists; returns the value that is stored afterwards.</summary>
    public static async Task<string> GetOrAddAsync(StoreSession session, string name, string value)
    {
        await session.ExecuteAsync("INSERT INTO secrets (name, value) VALUES (@n, @v) ON CONFLICT (name) DO NOTHING", ("@n", name), ("@v", value));
        return (await GetAsync(session, name))!;
    }
}
