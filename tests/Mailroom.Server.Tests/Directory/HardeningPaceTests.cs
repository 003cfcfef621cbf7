using Mailroom.Server.Directory;
using Mailroom.Server.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace Mailroom.Server.Tests.Directory;

public sealed class HardeningPaceTests
{
    private static readonly TimeSpan Hash = TimeSpan.FromMilliseconds(40);
    private readonly FakeTimeProvider _time = new();
    private readonly ServerActivity _activity;
    private readonly HardeningPace _pace;

    public HardeningPaceTests()
    {
        _activity = new ServerActivity(_time);
        _pace = new HardeningPace(_activity, _time);
    }

    [Fact]
    public void TheFirstHashDoesNotWait() => Assert.Equal(TimeSpan.Zero, _pace.Delay());

    [Fact]
    public void OnAQuietServerHashesRunBackToBack()
    {
        _time.Advance(HardeningPace.QuietPeriod);
        _pace.Worked(Hash);
        Assert.Equal(TimeSpan.Zero, _pace.Delay());
    }

    [Fact]
    public void WhileRequestsFlowAHashWaitsNineTimesItsDuration()
    {
        _pace.Worked(Hash);
        var waited = TimeSpan.Zero;
        while (_pace.Delay() > TimeSpan.Zero)
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            waited += TimeSpan.FromMilliseconds(10);
            _activity.RequestStarted();
        }

        Assert.Equal(Hash * 9, waited);
    }

    [Fact]
    public void TheWaitEndsOnceTheServerFallsQuiet()
    {
        _activity.RequestStarted();
        _pace.Worked(Hash);
        Assert.Equal(HardeningPace.QuietPeriod, _pace.Delay());
        _time.Advance(HardeningPace.QuietPeriod);
        Assert.Equal(TimeSpan.Zero, _pace.Delay());
    }

    [Fact]
    public async Task WaitTurnReturnsAfterTheDelay()
    {
        _activity.RequestStarted();
        _pace.Worked(Hash);
        var turn = _pace.WaitTurnAsync(TestContext.Current.CancellationToken);
        Assert.False(turn.IsCompleted);
        _time.Advance(HardeningPace.QuietPeriod);
        await turn.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }
}
