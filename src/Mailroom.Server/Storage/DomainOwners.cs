using System.Collections.Concurrent;

namespace Mailroom.Server.Storage;

/// <summary>
/// The enterprise that owns each domain seen so far, kept in memory: nearly every directory call
/// checks an address's domain, and this spares it a query. A domain is never removed nor given to
/// another enterprise (<see cref="EnterpriseStore"/> only inserts, ON CONFLICT DO NOTHING), so an
/// owner once committed stays true for every process sharing the database. Only owners read from
/// committed state are kept (a write transaction's only once it commits), and never a miss.
/// </summary>
internal sealed class DomainOwners
{
    private readonly ConcurrentDictionary<string, long> _owners = new(StringComparer.Ordinal);

    public bool TryGet(string domain, out long enterpriseId) => _owners.TryGetValue(domain, out enterpriseId);

    public void Learn(string domain, long enterpriseId) => _owners.TryAdd(domain, enterpriseId);
}
