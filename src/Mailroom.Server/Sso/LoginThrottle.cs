using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Sso;

/// <summary>
/// Counts failed webmail sign-ins (wrong password or wrong second-factor code) in memory, per
/// account and per client address, and refuses further attempts once either reaches its limit
/// until the window that started with its first failure has passed.
/// </summary>
/// <remarks>
/// An account is the member, whichever of its addresses was typed, or the typed address itself
/// when it names no member — so that an unknown address is throttled exactly like a known one and
/// the answers do not tell which addresses exist. The counts live in this process only: a restart
/// clears them, and each node of a cluster counts for itself.
/// </remarks>
internal sealed class LoginThrottle(TimeProvider time, IOptionsMonitor<SsoOptions> options)
{
    // Past this many tracked keys, ended windows are swept out before another is added.
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public static string AccountKey(long memberId) => "member:" + memberId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string AddressKey(string address) => "address:" + address;

    public static string SourceKey(System.Net.IPAddress? source) => "source:" + (source?.IsIPv4MappedToIPv6 == true ? source.MapToIPv4() : source)?.ToString();

    /// <summary>How long until an attempt for this account from this address may be made; null: now.</summary>
    public TimeSpan? RetryAfter(string account, string source)
    {
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        var wait = Blocked(account, settings.LoginFailuresPerAccount, now);
        var sourceWait = Blocked(source, settings.LoginFailuresPerSource, now);
        return wait is null ? sourceWait : sourceWait is null ? wait : (wait > sourceWait ? wait : sourceWait);
    }

    public void Fail(string account, string source)
    {
        var now = time.GetUtcNow();
        var length = WindowLength();
        if (_windows.Count > SweepAbove)
        {
            foreach (var (key, window) in _windows)
            {
                if (window.HasEnded(now))
                {
                    _windows.TryRemove(key, out _);
                }
            }
        }

        foreach (var key in (ReadOnlySpan<string>)[account, source])
        {
            var window = _windows.GetOrAdd(key, _ => new Window());
            window.Count(now, length);
        }
    }

    /// <summary>A completed sign-in clears the account's failures (not the address's).</summary>
    public void Succeed(string account) => _windows.TryRemove(account, out _);

    private TimeSpan? Blocked(string key, int limit, DateTimeOffset now) =>
        _windows.TryGetValue(key, out var window) ? window.BlockedFor(now, Math.Max(1, limit)) : null;

    private TimeSpan WindowLength() => TimeSpan.FromMinutes(Math.Max(1, options.CurrentValue.LoginThrottleMinutes));

    private sealed class Window
    {
        private readonly Lock _lock = new();
        private DateTimeOffset _end;
        private int _failures;

        public void Count(DateTimeOffset now, TimeSpan length)
        {
            lock (_lock)
            {
                if (now >= _end)
                {
                    _end = now + length;
                    _failures = 0;
                }

                _failures++;
            }
        }

        public TimeSpan? BlockedFor(DateTimeOffset now, int limit)
        {
            lock (_lock)
            {
                return now < _end && _failures >= limit ? _end - now : null;
            }
        }

        public bool HasEnded(DateTimeOffset now)
        {
            lock (_lock)
            {
                return now >= _end;
            }
        }
    }
}
