using System.Net;
using Mailroom.Server.Sso;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Mailroom.Server.Tests.Sso;

public sealed class LoginThrottleTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly LoginThrottle _throttle;
    private readonly string _source = LoginThrottle.SourceKey(IPAddress.Parse("192.0.2.7"));

    public LoginThrottleTests() =>
        _throttle = new LoginThrottle(_time, new Monitor(new SsoOptions { LoginFailuresPerAccount = 3, LoginFailuresPerSource = 5, LoginThrottleMinutes = 10 }));

    [Fact]
    public void AnAccountIsRefusedAfterItsLimitUntilTheWindowEnds()
    {
        var bob = LoginThrottle.AccountKey(1);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(_throttle.RetryAfter(bob, _source));
            _throttle.Fail(bob, _source);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(TimeSpan.FromMinutes(7), _throttle.RetryAfter(bob, _source));
        Assert.Equal(TimeSpan.FromMinutes(7), _throttle.RetryAfter(bob, LoginThrottle.SourceKey(IPAddress.Parse("198.51.100.1"))));
        Assert.Null(_throttle.RetryAfter(LoginThrottle.AccountKey(2), LoginThrottle.SourceKey(IPAddress.Parse("198.51.100.1"))));

        _time.Advance(TimeSpan.FromMinutes(7));
        Assert.Null(_throttle.RetryAfter(bob, _source));
    }

    [Fact]
    public void AnAddressIsRefusedAfterItsLimitWhateverTheAccounts()
    {
        for (var i = 0; i < 5; i++)
        {
            _throttle.Fail(LoginThrottle.AddressKey($"nobody{i}@corp.example"), _source);
        }

        Assert.NotNull(_throttle.RetryAfter(LoginThrottle.AddressKey("someone@corp.example"), _source));
        Assert.Null(_throttle.RetryAfter(LoginThrottle.AddressKey("someone@corp.example"), LoginThrottle.SourceKey(IPAddress.Parse("::ffff:198.51.100.1"))));
    }

    [Fact]
    public void AnUnknownAddressIsThrottledLikeAKnownAccount()
    {
        var ghost = LoginThrottle.AddressKey("ghost@corp.example");
        for (var i = 0; i < 3; i++)
        {
            _throttle.Fail(ghost, _source);
        }

        Assert.NotNull(_throttle.RetryAfter(ghost, _source));
    }

    [Fact]
    public void ASuccessClearsTheAccountButNotTheAddress()
    {
        var bob = LoginThrottle.AccountKey(1);
        for (var i = 0; i < 4; i++)
        {
            _throttle.Fail(LoginThrottle.AccountKey(i + 10), _source);
        }

        _throttle.Fail(bob, _source);
        _throttle.Fail(bob, _source);
        _throttle.Succeed(bob);
        _throttle.Fail(bob, _source);
        _throttle.Fail(bob, _source);

        Assert.NotNull(_throttle.RetryAfter(LoginThrottle.AccountKey(99), _source));
        Assert.Null(_throttle.RetryAfter(bob, LoginThrottle.SourceKey(IPAddress.Parse("198.51.100.1"))));
    }

    [Fact]
    public void MappedIpv4AddressesCountAsTheirIpv4Form() =>
        Assert.Equal(LoginThrottle.SourceKey(IPAddress.Parse("192.0.2.7")), LoginThrottle.SourceKey(IPAddress.Parse("::ffff:192.0.2.7")));

    private sealed class Monitor(SsoOptions value) : IOptionsMonitor<SsoOptions>
    {
        public SsoOptions CurrentValue => value;

        public SsoOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<SsoOptions, string?> listener) => null;
    }
}
