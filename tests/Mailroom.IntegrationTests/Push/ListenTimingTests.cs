using System.Globalization;
using System.Net.Http.Headers;
using Mailroom.Server.Admin;
using Mailroom.Server.Push;
using Mailroom.Server.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Mailroom.IntegrationTests.Push;

/// <summary>The rules of PROTOCOL.md §5 that depend on time, on a server whose clock the test moves.</summary>
public sealed class ListenTimingTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly MailroomApp _app;

    public ListenTimingTests() =>
        _app = new MailroomApp(
            settings: new Dictionary<string, string?>
            {
                ["Mailroom:Listen:HoldSeconds"] = "5",
                ["Mailroom:Listen:PingSeconds"] = "7",
                ["Mailroom:Listen:MaxQueuedEvents"] = "3",
                ["Mailroom:Listen:DropLogSeconds"] = "0",
            },
            configureServices: services => services.AddSingleton<TimeProvider>(_time));

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task AHeldListenIsAnsweredRetZeroOnceTheHoldTimeHasPassed()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ver = await Listens.CurrentVersionAsync(enterprise);
        using var listen = await Listens.HoldAsync(enterprise, ver);
        await Listens.HeldAsync(enterprise, 1);

        _time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, Listens.Status(enterprise).Held);
        Assert.False(listen.HasData);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var answer = await listen.ReadResponseAsync();
        Assert.True(answer.IsRet, answer.Body);
        Assert.Equal("9", answer.Headers["Content-Length"]);

        // The client asks again on the same connection and is held again.
        await listen.SendListenAsync(enterprise.Token, ver);
        await Listens.HeldAsync(enterprise, 1);
    }

    [Fact]
    public async Task EventsAreQueuedOnlyWhileTheClientIsOnlineOrWithinTheGraceTime()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ver = await Listens.CurrentVersionAsync(enterprise);

        // Never listened: offline, nothing is queued.
        await Listens.NewMailAsync(enterprise, "M-0");
        Assert.Equal(new ListenStatus(0, 0, 0, false), Listens.Status(enterprise));

        // A finished listen makes it online for twice the hold time.
        await Listens.ListenAsync(enterprise, 0);
        _time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(1));
        await Listens.NewMailAsync(enterprise, "M-1");
        Assert.Equal(1, Listens.Status(enterprise).Queued);
        Assert.Equal("M-1", Listens.MailId(await Listens.ListenAsync(enterprise, ver)));

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(Listens.Status(enterprise).Online);
        await Listens.NewMailAsync(enterprise, "M-2");
        Assert.Equal(0, Listens.Status(enterprise).Queued);

        // Back online: only what comes now, not what came while it was away.
        using var listen = await Listens.HoldAsync(enterprise, ver);
        await Listens.HeldAsync(enterprise, 1);
        await Listens.NewMailAsync(enterprise, "M-3");
        Assert.Equal("M-3", Listens.MailId(await listen.ReadResponseAsync()));
    }

    [Fact]
    public async Task AHeldListenKeepsItsClientOnlineBeyondTheGraceTime()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ver = await Listens.CurrentVersionAsync(enterprise);
        using var listen = await Listens.HoldAsync(enterprise, ver);
        await Listens.HeldAsync(enterprise, 1);

        // Each expired listen is followed by the next at once, as clients do.
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            Assert.True((await listen.ReadResponseAsync()).IsRet);
            await listen.SendListenAsync(enterprise.Token, ver);
            await Listens.HeldAsync(enterprise, 1);
        }

        await Listens.NewMailAsync(enterprise, "M-ONLINE");
        Assert.Equal("M-ONLINE", Listens.MailId(await listen.ReadResponseAsync()));
    }

    [Fact]
    public async Task AFullQueueDropsTheOldestAndCountsTheDropsInMetricsAndTheOperationLog()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ver = await Listens.CurrentVersionAsync(enterprise);
        await Listens.ListenAsync(enterprise, 0);

        for (var i = 1; i <= 5; i++)
        {
            await Listens.NewMailAsync(enterprise, $"M-{i}");
        }

        Assert.Equal(new ListenStatus(0, 3, 2, true), Listens.Status(enterprise));

        var metrics = await MetricsPage.ReadAsync(_app.Client);
        Assert.Equal(2, metrics["mailroom_push_dropped_events_total"]);
        Assert.Equal(3, metrics["mailroom_push_queued_events"]);
        Assert.Equal(3, metrics["mailroom_push_queue_depth_max"]);

        var lines = (await _app.Get<OperationHistory>().ListAsync(enterprise.ClientId, new OperationQuery(Endpoint: "listen"), TestContext.Current.CancellationToken)).Value!
            .Select(o => o.Record).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Equal(ListenHub.DropResult, l.Result));
        Assert.All(lines, l => Assert.Equal(enterprise.Id, l.EnterpriseId));
        Assert.Equal(2, lines.Sum(l => int.Parse(System.Text.Json.JsonDocument.Parse(l.Parameters).RootElement.GetProperty("dropped").GetString()!, CultureInfo.InvariantCulture)));

        foreach (var expected in new[] { "M-3", "M-4", "M-5" })
        {
            Assert.Equal(expected, Listens.MailId(await Listens.ListenAsync(enterprise, ver)));
        }
    }

    [Fact]
    public async Task AnEventStreamCarriesVersionsEventsAndPingsAndResumesFromLastEventId()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var v0 = await Listens.CurrentVersionAsync(enterprise);

        using (var stream = await ServerSentEvents.OpenAsync(enterprise, "Ver=0"))
        {
            Assert.Equal(new ServerSentEvent("id", $"{v0}-0", $"{{\"Ver\":\"{v0}\"}}"), await stream.ReadAsync());
            await Listens.HeldAsync(enterprise, 1);

            await Listens.NewMailAsync(enterprise, "S-1");
            var mail = (await stream.ReadAsync())!;
            Assert.Equal($"{v0}-1", mail.Id);
            Assert.Contains("\"MailId\":\"S-1\"", mail.Data, StringComparison.Ordinal);

            await Listens.ChangeMemberAsync(enterprise, "ivan");
            var v1 = await Listens.CurrentVersionAsync(enterprise);
            Assert.Equal(new ServerSentEvent("id", $"{v1}-1", $"{{\"Ver\":\"{v1}\"}}"), await stream.ReadAsync());

            await Listens.HeldAsync(enterprise, 1);
            _time.Advance(TimeSpan.FromSeconds(7));
            Assert.Equal(new ServerSentEvent("comment", "", " ping"), await stream.ReadAsync());
        }

        // Gone: what comes within the grace time is queued for the stream's return.
        await StreamsEndedAsync(enterprise);
        await Listens.NewMailAsync(enterprise, "S-2");
        var v1Now = await Listens.CurrentVersionAsync(enterprise);

        // Resumed from the first id: S-1 again (it may have been lost with the connection), the
        // newer version, then the event queued meanwhile.
        using var resumed = await ServerSentEvents.OpenAsync(enterprise, "", $"{v0}-0");
        var replayed = (await resumed.ReadAsync())!;
        Assert.Equal($"{v0}-1", replayed.Id);
        Assert.Contains("\"MailId\":\"S-1\"", replayed.Data, StringComparison.Ordinal);
        Assert.Equal(new ServerSentEvent("id", $"{v1Now}-1", $"{{\"Ver\":\"{v1Now}\"}}"), await resumed.ReadAsync());
        var queued = (await resumed.ReadAsync())!;
        Assert.Equal($"{v1Now}-2", queued.Id);
        Assert.Contains("\"MailId\":\"S-2\"", queued.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AResumedStreamGetsOnlyWhatCameAfterItsLastEventId()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ver = await Listens.CurrentVersionAsync(enterprise);
        using (var stream = await ServerSentEvents.OpenAsync(enterprise, $"Ver={ver}"))
        {
            await Listens.HeldAsync(enterprise, 1);
            await Listens.NewMailAsync(enterprise, "R-1");
            Assert.Equal($"{ver}-1", (await stream.ReadAsync())!.Id);
        }

        await StreamsEndedAsync(enterprise);
        using var resumed = await ServerSentEvents.OpenAsync(enterprise, "", $"{ver}-1");
        await Listens.HeldAsync(enterprise, 1);
        await Listens.NewMailAsync(enterprise, "R-2");
        var next = (await resumed.ReadAsync())!;
        Assert.Equal($"{ver}-2", next.Id);
        Assert.Contains("\"MailId\":\"R-2\"", next.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMalformedLastEventIdIsVerInvalid()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/listen");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", enterprise.Token);
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Add("Last-Event-ID", "not-an-id");
        (await enterprise.SendAsync(request)).AssertError("1600", "ver_invalid");
    }

    [Fact]
    public async Task HeldListensAndStreamsAreLetGoWhenTheServerStops()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var app = new MailroomApp(configureServices: services => services.AddSingleton<TimeProvider>(time));
        var enterprise = await app.CreateEnterpriseAsync();
        var ver = await Listens.CurrentVersionAsync(enterprise);
        using var listen = await Listens.HoldAsync(enterprise, ver);
        using var stream = await ServerSentEvents.OpenAsync(enterprise, $"Ver={ver}");
        await Listens.HeldAsync(enterprise, 2);

        app.Get<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().StopApplication();

        Assert.True((await listen.ReadResponseAsync()).IsRet);
        Assert.Null(await stream.ReadAsync());
    }

    /// <summary>
    /// Waits until the server has ended the streams its clients closed. No held listen is not
    /// enough: between two answers a stream holds none, and it may yet take the next event.
    /// </summary>
    private async Task StreamsEndedAsync(TestEnterprise enterprise)
    {
        await Eventually.HoldsAsync(async () => (await MetricsPage.ReadAsync(_app.Client))["mailroom_listen_streams"] == 0, "the closed streams ended on the server");
        Assert.Equal(0, Listens.Status(enterprise).Held);
    }
}
