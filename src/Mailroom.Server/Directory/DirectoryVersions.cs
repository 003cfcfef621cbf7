using System.Collections.Concurrent;

namespace Mailroom.Server.Directory;

/// <summary>
/// The newest directory version this process knows of each enterprise: every version it commits,
/// published after the commit and before the writing call is answered, and every version a read
/// has seen in its snapshot.
/// </summary>
/// <remarks>
/// The known version only ever grows, and it is at least the version of every member change this
/// process has answered: that is what lets <see cref="MemberProfileCache"/> trust an entry read at
/// the known version. Writes this process does not make reach it the same way once they are
/// published here (another node's, through PostgreSQL notifications) or read in a snapshot.
/// </remarks>
internal sealed class DirectoryVersions
{
    private readonly ConcurrentDictionary<long, Cell> _latest = new();

    /// <summary>
    /// Raised with the enterprise and its new version each time a known version grows: on the
    /// thread that observed it (after a commit, that is the committing thread, before the writing
    /// call is answered). Features after Directory subscribe (push wakes held listens); handlers
    /// must be quick and must not throw.
    /// </summary>
    public event Action<long, long>? Raised;

    /// <summary>
    /// Learns a version: one this process has just committed, one read in a snapshot, or (later)
    /// one another node announced. What is known only ever grows.
    /// </summary>
    public void Observe(long enterpriseId, long version)
    {
        var cell = _latest.GetOrAdd(enterpriseId, static (_, first) => new Cell { Version = first }, version);
        var current = Volatile.Read(ref cell.Version);
        while (version > current)
        {
            var seen = Interlocked.CompareExchange(ref cell.Version, version, current);
            if (seen == current)
            {
                Raised?.Invoke(enterpriseId, version);
                return;
            }

            current = seen;
        }
    }

    /// <summary>The newest version known of the enterprise; false when none is known yet (a fresh start).</summary>
    public bool TryGetCurrent(long enterpriseId, out long version)
    {
        if (_latest.TryGetValue(enterpriseId, out var cell))
        {
            version = Volatile.Read(ref cell.Version);
            return true;
        }

        version = 0;
        return false;
    }

    // A mutable cell per enterprise: raising a version is one compare-and-swap, never an allocation.
    private sealed class Cell
    {
        public long Version;
    }
}
