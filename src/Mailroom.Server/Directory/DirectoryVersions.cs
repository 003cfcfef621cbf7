using System.Collections.Concurrent;

namespace Mailroom.Server.Directory;

/// <summary>
/// The newest directory version of each enterprise that this process has committed, published
/// after every commit that changed a member. Push subscribes to learn of new versions.
/// </summary>
internal sealed class DirectoryVersions
{
    private readonly ConcurrentDictionary<long, long> _latest = new();

    public event Action<long, long>? Changed;

    public void Publish(long enterpriseId, long version)
    {
        _latest.AddOrUpdate(enterpriseId, version, (_, current) => Math.Max(current, version));
        Changed?.Invoke(enterpriseId, version);
    }
}
