using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Admin;

/// <summary>
/// Slows down password guessing at the console: after too many failed passwords within the window,
/// an account is locked (whoever tries it), and so is a network address (whatever account it
/// tries), until the oldest counted failure is older than the window. Checked before the password
/// is, so a locked account costs a guesser nothing and learns nothing.
/// </summary>
/// <remarks>
/// Kept in this process's memory: right for one node (a restart forgets the counts). Several nodes
/// behind a balancer each count on their own, so the effective limits multiply by the node count.
/// IPv6 addresses count per /64, the block one subscriber usually holds.
/// </remarks>
internal sealed class LoginThrottle(IOptionsMonitor<AdminOptions> options, TimeProvider time)
{
    // Past this many tracked keys, idle ones are dropped, so failures cannot grow memory without bound.
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, Failures> _accounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Failures> _addresses = new(StringComparer.Ordinal);

    /// <summary>Null when a password may be tried now; else how long until the lock lifts.</summary>
    public TimeSpan? RetryAfter(string account, IPAddress? address)
    {
        ArgumentNullException.ThrowIfNull(account);
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        var window = Window(settings);
        var byAccount = _accounts.TryGetValue(Key(account), out var a) ? a.LockedFor(now, window, settings.MaxFailuresPerAccount) : null;
        var byAddress = _addresses.TryGetValue(Key(address), out var b) ? b.LockedFor(now, window, settings.MaxFailuresPerAddress) : null;
        return byAccount is null ? byAddress : byAddress is null ? byAccount : Max(byAccount.Value, byAddress.Value);
    }

    /// <summary>Counts a wrong password against the account and the address.</summary>
    public void Failed(string account, IPAddress? address)
    {
        ArgumentNullException.ThrowIfNull(account);
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        var window = Window(settings);
        Add(_accounts, Key(account), now, window, settings.MaxFailuresPerAccount);
        Add(_addresses, Key(address), now, window, settings.MaxFailuresPerAddress);
    }

    /// <summary>A right password clears the account's failures (the address keeps its count).</summary>
    public void Succeeded(string account)
    {
        ArgumentNullException.ThrowIfNull(account);
        _accounts.TryRemove(Key(account), out _);
    }

    internal static string Key(IPAddress? address)
    {
        if (address is null)
        {
            return "";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static string Key(string account) => account.Trim();

    private static TimeSpan Window(AdminOptions settings) => TimeSpan.FromSeconds(Math.Max(1, settings.FailureWindowSeconds));

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static void Add(ConcurrentDictionary<string, Failures> failures, string key, DateTimeOffset now, TimeSpan window, int limit)
    {
        if (failures.Count > PruneAbove)
        {
            foreach (var (idleKey, entry) in failures)
            {
                if (entry.IsIdle(now, window))
                {
                    failures.TryRemove(idleKey, out _);
                }
            }
        }

        failures.GetOrAdd(key, static _ => new Failures()).Add(now, window, limit);
    }

    /// <summary>The times of the failures still inside the window, oldest first; at most the limit of them.</summary>
    private sealed class Failures
    {
        private readonly Queue<DateTimeOffset> _times = new();

        public void Add(DateTimeOffset now, TimeSpan window, int limit)
        {
            lock (_times)
            {
                Expire(now, window);
                _times.Enqueue(now);
                while (_times.Count > Math.Max(1, limit))
                {
                    _times.Dequeue();
                }
            }
        }

        public TimeSpan? LockedFor(DateTimeOffset now, TimeSpan window, int limit)
        {
            lock (_times)
            {
                Expire(now, window);
                return limit > 0 && _times.Count >= limit ? _times.Peek() + window - now : null;
            }
        }

        public bool IsIdle(DateTimeOffset now, TimeSpan window)
        {
            lock (_times)
            {
                Expire(now, window);
                return _times.Count == 0;
            }
        }

        private void Expire(DateTimeOffset now, TimeSpan window)
        {
            while (_times.Count > 0 && now - _times.Peek() >= window)
            {
                _times.Dequeue();
            }
        }
    }
}
