namespace Mailroom.Server.Storage;

/// <summary>
/// Named counters that change whenever cached state changes, so that other processes (the
/// operator commands) and other nodes can tell their caches are stale with one cheap read.
/// </summary>
internal static class RevisionStore
{
    public const string Clients = "clients";

    public static Task BumpAsync(StoreSession session, string name) =>
        session.ExecuteAsync(
            "INSERT INTO revisions (name, value) VALUES (@n, 1) ON CONFLICT (name) DO UPDATE SET value = revisions.value + 1",
            ("@n", name));

    public static async Task<long> ReadAsync(StoreSession session, string name) =>
        await session.ScalarAsync<long?>("SELECT value FROM revisions WHERE name = @n", ("@n", name)) ?? 0;
}
