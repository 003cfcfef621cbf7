using Mailroom.IntegrationTests.Push;

namespace Mailroom.IntegrationTests;

/// <summary>
/// Connections run inline while few are open (Mailroom:Transport:InlineConnections), pooled beyond;
/// both kinds answer, and /metrics counts each kind as connections come and go.
/// </summary>
public sealed class ConnectionSchedulingTests
{
    [Fact]
    public async Task ConnectionsRunInlineUpToTheLimitAndPooledBeyondIt()
    {
        using var app = new MailroomApp(settings: new Dictionary<string, string?> { ["Mailroom:Transport:InlineConnections"] = "2" });
        var (a, b, c) = (await OpenAnsweredAsync(app), await OpenAnsweredAsync(app), await OpenAnsweredAsync(app));
        using var metrics = OneConnectionClient(app);

        // a and b inline; c and the metrics client's connection pooled.
        Assert.Equal((2, 2), await OpenConnectionsAsync(metrics));

        a.Reset();
        b.Reset();
        await Eventually.HoldsAsync(async () => await OpenConnectionsAsync(metrics) == (0, 2), "a and b counted out");

        // Still two open (c and the metrics client): a new connection is pooled.
        using var d = await OpenAnsweredAsync(app);
        Assert.Equal((0, 3), await OpenConnectionsAsync(metrics));

        c.Reset();
        d.Reset();
        await Eventually.HoldsAsync(async () => await OpenConnectionsAsync(metrics) == (0, 1), "c and d counted out");
        using var e = await OpenAnsweredAsync(app);
        Assert.Equal((1, 1), await OpenConnectionsAsync(metrics));
    }

    [Fact]
    public async Task NoConnectionRunsInlineWhenTheLimitIsZero()
    {
        using var app = new MailroomApp(settings: new Dictionary<string, string?> { ["Mailroom:Transport:InlineConnections"] = "0" });
        using var a = await OpenAnsweredAsync(app);
        using var metrics = OneConnectionClient(app);
        Assert.Equal((0, 2), await OpenConnectionsAsync(metrics));
    }

    // A raw keep-alive connection that has had one call answered (the protocol's error for an unknown path).
    private static async Task<RawConnection> OpenAnsweredAsync(MailroomApp app)
    {
        var connection = await RawConnection.OpenAsync(app.BaseAddress);
        await connection.SendAsync("/openapi/no-such-call", token: null);
        var response = await connection.ReadResponseAsync();
        Assert.Equal(404, response.Status);
        Assert.Equal("1001", response.Json.GetProperty("errcode").GetString());
        return connection;
    }

    private static HttpClient OneConnectionClient(MailroomApp app) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = app.BaseAddress };

    private static async Task<(int Inline, int Pooled)> OpenConnectionsAsync(HttpClient metrics)
    {
        var samples = await MetricsPage.ReadAsync(metrics);
        return ((int)samples["mailroom_http_connections{scheduling=\"inline\"}"], (int)samples["mailroom_http_connections{scheduling=\"pooled\"}"]);
    }
}
