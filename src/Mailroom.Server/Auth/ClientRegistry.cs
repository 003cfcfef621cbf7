using System.Collections.Frozen;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Auth;

/// <summary>
/// Every client's credential state, in memory, so that checking a token reads no database.
/// Reloaded at once after a change made through this process, and by <see cref="ClientRegistryRefresher"/>
/// when another process or node changed the clients table.
/// </summary>
internal sealed class ClientRegistry(IDatabase database) : IDisposable
{
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private volatile Snapshot _snapshot = new(FrozenDictionary<long, ClientState>.Empty, FrozenDictionary<string, ClientState>.Empty, -1);

    /// <summary>
    /// Raised after every reload, once the new states are in place: features after Auth re-check
    /// what they admitted (push answers the held listens of a revoked client).
    /// </summary>
    public event Action? Reloaded;

    public long Revision => _snapshot.Revision;

    public ClientState? ByKey(long key) => _snapshot.ByKey.GetValueOrDefault(key);

    public ClientState? ByClientId(string clientId) => _snapshot.ByClientId.GetValueOrDefault(clientId);

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await _reloading.WaitAsync(cancellationToken);
        try
        {
            var (rows, revision) = await database.ReadAsync(
                async session => (await ClientStore.ListAsync(session), await RevisionStore.ReadAsync(session, RevisionStore.Clients)),
                cancellationToken);
            var states = rows.Select(ToState).ToList();
            _snapshot = new Snapshot(
                states.ToFrozenDictionary(s => s.Key),
                states.ToFrozenDictionary(s => s.ClientId, StringComparer.OrdinalIgnoreCase),
                revision);
            Reloaded?.Invoke();
        }
        finally
        {
            _reloading.Release();
        }
    }

    public void Dispose() => _reloading.Dispose();

    private static ClientState ToState(ClientRow row)
    {
        // The setting is validated when written; a damaged value fails closed (no address allowed).
        var networks = AllowedAddresses.TryParse(row.AllowedAddresses, out var parsed, out _)
            ? parsed
            : [new System.Net.IPNetwork(System.Net.IPAddress.None, 32)];
        return new ClientState(row.Key, row.EnterpriseId, row.ClientId, row.SecretHash, row.TokenGeneration, row.ApiEnabled, networks, row.RateLimit);
    }

    private sealed record Snapshot(FrozenDictionary<long, ClientState> ByKey, FrozenDictionary<string, ClientState> ByClientId, long Revision);
}
