namespace Mailroom.Server.Storage;

/// <summary>Push queues kept across a clean restart: saved at stop, taken back (and deleted) at start.</summary>
internal static class PushQueueStore
{
    public static Task SaveClientAsync(StoreSession session, long clientKey, long enterpriseId, long lastActive, long nextSequence) =>
        session.ExecuteAsync(
            """
            INSERT INTO push_clients (client_key, enterprise_id, last_active, next_sequence) VALUES (@k, @e, @a, @n)
            ON CONFLICT (client_key) DO UPDATE SET enterprise_id = excluded.enterprise_id, last_active = excluded.last_active, next_sequence = excluded.next_sequence
            """,
            ("@k", clientKey), ("@e", enterpriseId), ("@a", lastActive), ("@n", nextSequence));

    public static Task SaveEventAsync(StoreSession session, long clientKey, long sequence, string body) =>
        session.ExecuteAsync(
            "INSERT INTO push_events (client_key, sequence, body) VALUES (@k, @s, @b) ON CONFLICT (client_key, sequence) DO UPDATE SET body = excluded.body",
            ("@k", clientKey), ("@s", sequence), ("@b", body));

    public static Task<List<SavedPushClient>> ClientsAsync(StoreSession session) =>
        session.QueryAsync(
            "SELECT client_key, enterprise_id, last_active, next_sequence FROM push_clients ORDER BY client_key",
            r => new SavedPushClient(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)));

    /// <summary>Every saved event, by client and then oldest first.</summary>
    public static Task<List<SavedPushEvent>> EventsAsync(StoreSession session) =>
        session.QueryAsync(
            "SELECT client_key, sequence, body FROM push_events ORDER BY client_key, sequence",
            r => new SavedPushEvent(r.GetInt64(0), r.GetInt64(1), r.GetString(2)));

    public static async Task ClearAsync(StoreSession session)
    {
        await session.ExecuteAsync("DELETE FROM push_events");
        await session.ExecuteAsync("DELETE FROM push_clients");
    }
}

/// <summary>A client's saved push state.</summary>
internal sealed record SavedPushClient(long ClientKey, long EnterpriseId, long LastActive, long NextSequence);

/// <summary>One saved queued event.</summary>
internal sealed record SavedPushEvent(long ClientKey, long Sequence, string Body);
