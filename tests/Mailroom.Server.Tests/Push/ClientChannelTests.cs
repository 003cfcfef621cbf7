using Mailroom.Server.Directory;
using Mailroom.Server.Protocol;
using Mailroom.Server.Push;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Mailroom.Server.Tests.Push;

/// <summary>One client's queue and held listens (PROTOCOL.md §5), driven without HTTP on a clock the test moves.</summary>
public sealed class ClientChannelTests : IDisposable
{
    private const long EnterpriseId = 7;
    private const long Current = 1_000;

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly ListenOptions _options = new() { HoldSeconds = 5, MaxListensPerClient = 3, MaxQueuedEvents = 4, DropLogSeconds = 60 };
    private readonly DirectoryVersions _versions = new();
    private readonly PushContext _context;
    private readonly ClientChannel _channel;

    public ClientChannelTests()
    {
        _versions.Observe(EnterpriseId, Current);
        _context = new PushContext(_time, new FixedOptions(_options), _versions, new PushMetrics(new ConnectionScheduling(inlineLimit: 0)));
        _channel = new ClientChannel(1, EnterpriseId, _context);
    }

    public void Dispose() => _context.Dispose();

    [Fact]
    public void AnOlderVerIsAnsweredWithTheCurrentVersionAtOnce()
    {
        var outcome = _channel.Admit(Waiter(Current - 1));

        Assert.Equal(AnswerKind.Version, outcome?.Kind);
        Assert.Equal(Current, outcome?.Version);
        Assert.Equal("{\"Ver\":\"1000\"}"u8.ToArray(), outcome?.Body);
        Assert.Equal(0, _channel.Held);
    }

    [Fact]
    public void EventsAreNotQueuedForAClientThatNeverListened()
    {
        Assert.Equal(OfferResult.Offline, _channel.Offer(Body("a"), 0));
        Assert.Equal(0, _channel.Queued);
    }

    [Fact]
    public async Task AHeldListenMakesTheClientOnlineAndTakesTheEventAtOnce()
    {
        var waiter = Waiter(Current);
        Assert.Null(_channel.Admit(waiter));
        Assert.True(_channel.IsOnline);

        Assert.Equal(OfferResult.HandedOver, _channel.Offer(Body("a"), 0));

        var outcome = (await ResultAsync(waiter));
        Assert.Equal(AnswerKind.Event, outcome.Kind);
        Assert.Equal(1, outcome.Event!.Sequence);
        Assert.Equal(0, _channel.Held);
        Assert.Equal(0, _channel.Queued);
    }

    [Fact]
    public async Task TheClientStaysOnlineForTheGraceTimeAfterItsLastListen()
    {
        var waiter = Waiter(Current);
        _channel.Admit(waiter);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(AnswerKind.Timeout, (await ResultAsync(waiter)).Kind);

        // Grace = 2 × hold = 10 s from the end of that listen.
        _time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(TimeSpan.TicksPerMillisecond));
        Assert.Equal(OfferResult.Queued, _channel.Offer(Body("in grace"), 0));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(_channel.IsOnline);
        Assert.Equal(OfferResult.Offline, _channel.Offer(Body("too late"), 0));
        Assert.Equal(1, _channel.Queued);
    }

    [Fact]
    public void QueuedEventsAreAnsweredOldestFirstAndEachOnlyOnce()
    {
        _channel.Finish();
        _channel.Offer(Body("a"), 0);
        _channel.Offer(Body("b"), 0);

        Assert.Equal("a", Text(_channel.Admit(Waiter(Current))));
        Assert.Equal("b", Text(_channel.Admit(Waiter(Current))));
        Assert.Null(_channel.Admit(Waiter(Current)));
    }

    [Fact]
    public async Task EachEventGoesToOneHeldListenTheOldestFirst()
    {
        var first = Waiter(Current);
        var second = Waiter(Current);
        _channel.Admit(first);
        _channel.Admit(second);

        _channel.Offer(Body("a"), 0);
        Assert.Equal("a", Text((await ResultAsync(first))));
        Assert.Equal(1, _channel.Held);

        _channel.Offer(Body("b"), 0);
        Assert.Equal("b", Text((await ResultAsync(second))));
    }

    [Fact]
    public async Task AnEventWhoseAnswerFailedGoesBackToTheHeadOfTheQueue()
    {
        var waiter = Waiter(Current);
        _channel.Admit(waiter);
        _channel.Offer(Body("a"), 0);
        _channel.Offer(Body("b"), 0);
        var failed = (await ResultAsync(waiter)).Event!;

        _channel.Requeue(failed);

        Assert.Equal("a", Text(_channel.Admit(Waiter(Current))));
        Assert.Equal("b", Text(_channel.Admit(Waiter(Current))));
    }

    [Fact]
    public async Task ARequeuedEventGoesStraightToAnotherHeldListen()
    {
        var gone = Waiter(Current);
        var other = Waiter(Current);
        _channel.Admit(gone);
        _channel.Admit(other);
        _channel.Offer(Body("a"), 0);

        _channel.Requeue((await ResultAsync(gone)).Event!);

        Assert.Equal("a", Text((await ResultAsync(other))));
        Assert.Equal(0, _channel.Queued);
    }

    [Fact]
    public void AFullQueueDropsTheOldestAndCountsThem()
    {
        _channel.Finish();
        for (var i = 1; i <= 6; i++)
        {
            Assert.Equal(i <= 4 ? OfferResult.Queued : OfferResult.QueuedDroppingOldest, _channel.Offer(Body($"e{i}"), 0));
        }

        Assert.Equal(4, _channel.Queued);
        Assert.Equal(2, _channel.Dropped);
        Assert.Equal(["e3", "e4", "e5", "e6"], Enumerable.Range(0, 4).Select(_ => Text(_channel.Admit(Waiter(Current)))));
    }

    [Fact]
    public async Task ARequeuedEventIsDroppedWhenTheQueueIsFull()
    {
        var waiter = Waiter(Current);
        _channel.Admit(waiter);
        _channel.Offer(Body("old"), 0);
        for (var i = 0; i < 4; i++)
        {
            _channel.Offer(Body($"new{i}"), 0);
        }

        _channel.Requeue((await ResultAsync(waiter)).Event!);

        Assert.Equal(1, _channel.Dropped);
        Assert.Equal("new0", Text(_channel.Admit(Waiter(Current))));
    }

    [Fact]
    public void DropsAreLoggedAtMostOncePerIntervalAndAllAtStop()
    {
        _channel.Finish();
        for (var i = 0; i < 5; i++)
        {
            _channel.Offer(Body($"e{i}"), 0);
        }

        Assert.Equal(1, _channel.TakeDropsToLog(force: false));
        _channel.Offer(Body("e5"), 0);
        _channel.Offer(Body("e6"), 0);
        Assert.Equal(0, _channel.TakeDropsToLog(force: false));

        _time.Advance(TimeSpan.FromSeconds(60));
        _channel.Finish();
        _channel.Offer(Body("e7"), 0);
        Assert.Equal(3, _channel.TakeDropsToLog(force: false));

        _channel.Offer(Body("e8"), 0);
        Assert.Equal(1, _channel.TakeDropsToLog(force: true));
        Assert.Equal(0, _channel.TakeDropsToLog(force: true));
    }

    [Fact]
    public async Task OneListenMoreThanTheLimitLetsTheOldestGo()
    {
        var waiters = Enumerable.Range(0, 4).Select(_ => Waiter(Current)).ToList();
        foreach (var waiter in waiters)
        {
            Assert.Null(_channel.Admit(waiter));
        }

        var evicted = await ResultAsync(waiters[0]);
        Assert.Equal(AnswerKind.Evicted, evicted.Kind);
        Assert.Equal("{\"Ret\":0}"u8.ToArray(), evicted.Body);
        Assert.Equal(3, _channel.Held);
        Assert.All(waiters.Skip(1), w => Assert.True(w.IsHeld));
    }

    [Fact]
    public async Task AHeldListenTimesOutAfterTheHoldTimeAndNotBefore()
    {
        var waiter = Waiter(Current);
        _channel.Admit(waiter);

        _time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.True(waiter.IsHeld);
        _time.Advance(TimeSpan.FromTicks(1));

        Assert.Equal(AnswerKind.Timeout, (await ResultAsync(waiter)).Kind);
        Assert.Equal(0, _channel.Held);
    }

    [Fact]
    public async Task AVersionWakesEveryHeldListenWithAnOlderVer()
    {
        var first = Waiter(Current);
        var second = Waiter(Current);
        _channel.Admit(first);
        _channel.Admit(second);

        _versions.Observe(EnterpriseId, Current + 5);
        _channel.WakeVersion(Current + 5, _context.VersionBody(EnterpriseId, Current + 5), 1);

        Assert.All([await ResultAsync(first), await ResultAsync(second)], o => Assert.Equal((AnswerKind.Version, Current + 5), (o.Kind, o.Version)));
        Assert.Same((await ResultAsync(first)).Body, (await ResultAsync(second)).Body);
        Assert.Equal(0, _channel.Held);
    }

    [Fact]
    public async Task ALeavingClientsListenEndsWithNothingToWriteAndKeepsItOnline()
    {
        var waiter = Waiter(Current);
        _channel.Admit(waiter);

        waiter.Abandon();

        Assert.Equal(AnswerKind.Gone, (await ResultAsync(waiter)).Kind);
        Assert.Equal(OfferResult.Queued, _channel.Offer(Body("a"), 0));
    }

    [Fact]
    public async Task AnEventStreamReusesItsWaiterAndReplaysWhatItWasGiven()
    {
        var stream = new ListenWaiter(_channel, null, null, Current, TimeSpan.FromSeconds(7), isStream: true);
        Assert.Null(_channel.Admit(stream));
        _channel.Offer(Body("a"), 0);
        var first = (await ResultAsync(stream));
        stream.Reset();
        _channel.Remember(first.Event!);

        Assert.Null(_channel.Admit(stream));
        _channel.Offer(Body("b"), 0);
        var second = (await ResultAsync(stream));
        _channel.Remember(second.Event!);

        Assert.Equal(["a", "b"], _channel.ReplayAfter(0).Select(e => System.Text.Encoding.UTF8.GetString(e.Body)));
        Assert.Equal(["b"], _channel.ReplayAfter(first.Event!.Sequence).Select(e => System.Text.Encoding.UTF8.GetString(e.Body)));
    }

    [Fact]
    public void SavedQueuesAreRestoredWithTheirSequenceAndOnlineState()
    {
        _channel.Finish();
        _channel.Offer(Body("a"), 0);
        _channel.Offer(Body("b"), 0);
        var saved = _channel.Save();

        var restored = new ClientChannel(1, EnterpriseId, _context);
        restored.Restore(saved);

        Assert.True(restored.IsOnline);
        Assert.Equal("a", Text(restored.Admit(Waiter(Current, restored))));
        Assert.Equal(OfferResult.Queued, restored.Offer(Body("c"), 0));
        Assert.Equal(3, restored.Save().Events[^1].Sequence);
    }

    [Fact]
    public void TheQueueGrowsOnlyAsFarAsItsBound()
    {
        var queue = new EventQueue();
        for (var i = 0; i < 10; i++)
        {
            queue.Enqueue(new PushEvent(i, []), bound: 3);
        }

        Assert.Equal([7, 8, 9], queue.ToList().Select(e => (int)e.Sequence));
        Assert.False(queue.PushFront(new PushEvent(6, []), bound: 3));
        Assert.True(queue.TryDequeue(out var head));
        Assert.Equal(7, head.Sequence);
        Assert.True(queue.PushFront(head, bound: 3));
        Assert.Equal([7, 8, 9], queue.ToList().Select(e => (int)e.Sequence));
    }

    private static byte[] Body(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    private static string Text(ListenOutcome? outcome) => System.Text.Encoding.UTF8.GetString(outcome!.Value.Body!);

    private static async Task<ListenOutcome> ResultAsync(ListenWaiter waiter)
    {
        var pending = waiter.WaitAsync();
        Assert.True(pending.IsCompleted, "the listen has been answered");
        return await pending;
    }

    private ListenWaiter Waiter(long ver, ClientChannel? channel = null) =>
        new(channel ?? _channel, null, null, ver, _options.Hold, isStream: false);

    private sealed class FixedOptions(ListenOptions value) : IOptionsMonitor<ListenOptions>
    {
        public ListenOptions CurrentValue => value;

        public ListenOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<ListenOptions, string?> listener) => null;
    }
}
