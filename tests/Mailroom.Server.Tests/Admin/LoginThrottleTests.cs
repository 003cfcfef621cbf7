using System.Net;
using Mailroom.Server.Admin;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Mailroom.Server.Tests.Admin;

public sealed class LoginThrottleTests
{
    private static readonly IPAddress Home = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress Elsewhere = IPAddress.Parse("198.51.100.7");

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-29T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly LoginThrottle _throttle;

    public LoginThrottleTests() =>
        _throttle = new LoginThrottle(
            new StaticOptions(new AdminOptions { MaxFailuresPerAccount = 3, MaxFailuresPerAddress = 5, FailureWindowSeconds = 600 }),
            _time);

    [Fact]
    public void AnAccountIsLockedAfterItsLimitWhoeverTriesIt()
    {
        for (var i = 0; i < 2; i++)
        {
            Assert.Null(_throttle.RetryAfter("boss", Home));
            _throttle.Failed("boss", Home);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        _throttle.Failed("BOSS", Home);

        Assert.Equal(TimeSpan.FromMinutes(8), _throttle.RetryAfter("boss", Elsewhere));
        Assert.Null(_throttle.RetryAfter("someone-else", Elsewhere));
    }

    [Fact]
    public void TheLockLiftsWhenTheOldestFailureLeavesTheWindow()
    {
        for (var i = 0; i < 3; i++)
        {
            _throttle.Failed("boss", Home);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        // The first failure was 3 minutes ago; it counts for 7 more.
        _time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(TimeSpan.FromMinutes(1), _throttle.RetryAfter("boss", Elsewhere));

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(_throttle.RetryAfter("boss", Elsewhere));
    }

    [Fact]
    public void AnAddressIsLockedAfterItsLimitWhateverAccountItTries()
    {
        for (var i = 0; i < 5; i++)
        {
            _throttle.Failed($"account-{i}", Home);
        }

        Assert.NotNull(_throttle.RetryAfter("never-tried", Home));
        Assert.Null(_throttle.RetryAfter("never-tried", Elsewhere));
    }

    [Fact]
    public void ARightPasswordClearsTheAccountButNotTheAddress()
    {
        _throttle.Failed("boss", Home);
        _throttle.Failed("boss", Home);
        _throttle.Succeeded("boss");
        _throttle.Failed("boss", Home);
        _throttle.Failed("boss", Home);

        Assert.Null(_throttle.RetryAfter("boss", Elsewhere));
        _throttle.Failed("x", Home);
        Assert.NotNull(_throttle.RetryAfter("anyone", Home));
    }

    [Fact]
    public void Ipv6AddressesCountPerSlash64()
    {
        Assert.Equal("2001:db8:1:2::/64", LoginThrottle.Key(IPAddress.Parse("2001:db8:1:2:aaaa:bbbb:cccc:dddd")));
        Assert.Equal(LoginThrottle.Key(IPAddress.Parse("2001:db8:1:2::1")), LoginThrottle.Key(IPAddress.Parse("2001:db8:1:2:ffff::9")));
        Assert.Equal("192.0.2.10", LoginThrottle.Key(IPAddress.Parse("::ffff:192.0.2.10")));
    }

    private sealed class StaticOptions(AdminOptions value) : IOptionsMonitor<AdminOptions>
    {
        public AdminOptions CurrentValue => value;

        public AdminOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<AdminOptions, string?> listener) => null;
    }
}
