using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Directory;

/// <summary>
/// The user/get answers of this process (PROTOCOL.md §6.2), as their UTF-8 JSON, by enterprise and
/// the normalized address asked for (primary or Slave alias), each tagged with the enterprise's
/// directory version it was read at. An entry is served only while that version is still the
/// newest one <see cref="DirectoryVersions"/> knows.
/// </summary>
/// <remarks>
/// <para>
/// Why an entry served is never older than a change this process has answered:
/// </para>
/// <list type="number">
/// <item>Everything user/get shows (member fields, aliases, departments and their names, OpenType,
/// the primary address, existence) changes only through calls that record member changes, and
/// every such call takes a new, larger directory version in its own transaction (§6.1,
/// <see cref="MemberChanges"/>). Domains, which decide invalid_alias, are only ever added.
/// So all snapshots that show version V show the same profiles.</item>
/// <item>An entry's version is read in the same snapshot as its profile: the entry is exactly the
/// answer at that version.</item>
/// <item>A write publishes its version to <see cref="DirectoryVersions"/> after COMMIT and before
/// its caller's answer is released (<c>StoreSession.AfterCommit</c> actions run before the write
/// tasks complete), and the known version only grows. So once a change at version W has been
/// answered, the known version is at least W.</item>
/// <item>An entry read before that change has a version below W, which can no longer equal the
/// known version: it misses. One read after it has a version of at least W and shows it.</item>
/// <item>An entry is stored only after its version is made known (<see cref="Store"/>), so on a
/// fresh start, when nothing is known, every call misses until a read makes its version known.</item>
/// </list>
/// <para>
/// A write this process has not published (another process on the same SQLite file: the operator
/// commands, which never change members; another node on PostgreSQL, whose versions arrive here by
/// notification) is covered by the same rule: its change is served once its version is published
/// here or seen by a read. Until then this process has answered nothing that depends on it, and a
/// read that races a commit may be answered from either side of it, as without the cache.
/// </para>
/// <para>
/// Unknown members and errors are not cached. The size is bounded by
/// <see cref="DirectoryOptions.ProfileCacheEntries"/>: when full, one sweep (a CLOCK-like second
/// chance) drops every stale entry and every entry not served since the previous sweep, then, if
/// still above nine tenths of the bound, arbitrary ones down to it. Stale entries are also replaced
/// when their address is read again.
/// </para>
/// </remarks>
internal sealed class MemberProfileCache(DirectoryVersions versions, IOptionsMonitor<DirectoryOptions> options)
{
    private readonly ConcurrentDictionary<Key, Entry> _entries = new();
    private int _count;
    private int _sweeping;

    /// <summary>Entries held, stale ones included.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The answer for that address when one is held at the enterprise's current version.</summary>
    public bool TryGet(long enterpriseId, string address, [NotNullWhen(true)] out byte[]? json)
    {
        if (Volatile.Read(ref _count) != 0
            && _entries.TryGetValue(new Key(enterpriseId, address), out var entry)
            && versions.TryGetCurrent(enterpriseId, out var current)
            && current == entry.Version)
        {
            entry.Touch();
            json = entry.Json;
            return true;
        }

        json = null;
        return false;
    }

    /// <summary>
    /// Keeps an answer read in a snapshot at <paramref name="version"/>, first making that version
    /// known: an entry must never be stored ahead of the version it is checked against.
    /// </summary>
    public void Store(long enterpriseId, string address, long version, byte[] json)
    {
        versions.Observe(enterpriseId, version);
        var max = options.CurrentValue.ProfileCacheEntries;
        if (max <= 0)
        {
            if (Volatile.Read(ref _count) != 0)
            {
                RemoveAll();
            }

            return;
        }

        var key = new Key(enterpriseId, address);
        var entry = new Entry(version, json);
        while (true)
        {
            if (_entries.TryGetValue(key, out var held))
            {
                // A read of an older snapshot that finishes late must not replace a newer answer.
                if (held.Version >= version || _entries.TryUpdate(key, entry, held))
                {
                    return;
                }

                continue;
            }

            if (Volatile.Read(ref _count) >= max)
            {
                Sweep(max);
                if (Volatile.Read(ref _count) >= max)
                {
                    return;
                }
            }

            if (_entries.TryAdd(key, entry))
            {
                Interlocked.Increment(ref _count);
                return;
            }
        }
    }

    // One sweep at a time; a store that finds a sweep running just does not cache its answer.
    private void Sweep(int max)
    {
        if (Interlocked.Exchange(ref _sweeping, 1) != 0)
        {
            return;
        }

        try
        {
            foreach (var (key, entry) in _entries)
            {
                var current = versions.TryGetCurrent(key.EnterpriseId, out var known) && known == entry.Version;
                if (!current || !entry.TakeUsed())
                {
                    Remove(key, entry);
                }
            }

            var target = max - Math.Max(1, max / 10);
            if (Volatile.Read(ref _count) > target)
            {
                foreach (var (key, entry) in _entries)
                {
                    Remove(key, entry);
                    if (Volatile.Read(ref _count) <= target)
                    {
                        break;
                    }
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private void RemoveAll()
    {
        foreach (var (key, entry) in _entries)
        {
            Remove(key, entry);
        }
    }

    private void Remove(Key key, Entry entry)
    {
        if (_entries.TryRemove(KeyValuePair.Create(key, entry)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    private readonly record struct Key(long EnterpriseId, string Address);

    private sealed class Entry(long version, byte[] json)
    {
        // A new entry gets one sweep's grace, as if just served.
        private volatile bool _used = true;

        public long Version { get; } = version;

        public byte[] Json { get; } = json;

        // Written only when not yet set, so that hits on a popular entry do not keep dirtying its cache line.
        public void Touch()
        {
            if (!_used)
            {
                _used = true;
            }
        }

        /// <summary>Whether it was served since the last sweep; clears the mark.</summary>
        public bool TakeUsed()
        {
            var used = _used;
            _used = false;
            return used;
        }
    }
}
