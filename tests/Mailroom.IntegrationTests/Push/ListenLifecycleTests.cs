using System.Net;
using Mailroom.Server.Auth;

namespace Mailroom.IntegrationTests.Push;

/// <summary>Queues across a clean restart, and who may read /metrics.</summary>
public sealed class ListenLifecycleTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "mailroom-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(_dataDir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    [Fact]
    public async Task QueuedEventsAndTheOnlineStateSurviveACleanRestart()
    {
        long id, ver;
        string domain, clientId, secret;
        using (var first = new MailroomApp(_dataDir))
        {
            var enterprise = await first.CreateEnterpriseAsync();
            (id, domain, clientId, secret) = (enterprise.Id, enterprise.Domain, enterprise.ClientId, enterprise.Secret);
            ver = await Listens.CurrentVersionAsync(enterprise);
            await Listens.ListenAsync(enterprise, 0);
            await Listens.NewMailAsync(enterprise, "K-1");
            await Listens.UnreadAsync(enterprise, 7);
        }

        using var second = new MailroomApp(_dataDir);
        var again = new TestEnterprise(second, id, domain, clientId, secret);
        await again.RefreshTokenAsync();
        Assert.True(Listens.Status(again).Online, "online: its last listen finished within the grace time");
        Assert.Equal("K-1", Listens.MailId(await Listens.ListenAsync(again, ver)));
        Assert.Equal(7, (await Listens.ListenAsync(again, ver)).Json.GetProperty("NewCount").GetInt32());

        await Listens.NewMailAsync(again, "K-2");
        Assert.Equal("K-2", Listens.MailId(await Listens.ListenAsync(again, ver)));
    }

    [Fact]
    public async Task MetricsAreServedToLoopbackInPrometheusTextFormat()
    {
        using var app = new MailroomApp(_dataDir);
        var enterprise = await app.CreateEnterpriseAsync();
        using var listen = await Listens.HoldAsync(enterprise, await Listens.CurrentVersionAsync(enterprise));
        await Listens.HeldAsync(enterprise, 1);

        var response = await app.Client.GetAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain; version=0.0.4", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        var metrics = await MetricsPage.ReadAsync(app.Client);
        Assert.Equal(1, metrics["mailroom_listen_held"]);
        Assert.True(metrics["process_resident_memory_bytes"] > 0);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("mailroom_listen_answers_total{kind=\"version\"}", text, StringComparison.Ordinal);
        Assert.Contains("mailroom_listen_wakeup_seconds_bucket", text, StringComparison.Ordinal);
        Assert.DoesNotContain(enterprise.ClientId, text, StringComparison.Ordinal);
        Assert.DoesNotContain(enterprise.Token, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetricsAreNotFoundFromAnAddressNotAllowed()
    {
        using var app = new MailroomApp(_dataDir, new Dictionary<string, string?> { ["Mailroom:Metrics:AllowedAddresses"] = "10.0.0.0/8" });
        var response = await ApiResponse.SendAsync(app.Client, new HttpRequestMessage(HttpMethod.Get, "/metrics"));
        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("1001", response.ErrCode);
    }

    [Fact]
    public async Task HeldListensAreLetGoWhenAnotherProcessSwitchesTheApiOff()
    {
        using var app = new MailroomApp(_dataDir);
        var enterprise = await app.CreateEnterpriseAsync();
        using var listen = await Listens.HoldAsync(enterprise, await Listens.CurrentVersionAsync(enterprise));
        await Listens.HeldAsync(enterprise, 1);

        var result = await ServerExecutable.RunCommandAsync(["enterprise", "disable-api", "--admin", enterprise.ClientId, $"--Mailroom:DataDir={_dataDir}"]);
        Assert.True(result.ExitCode == 0, result.ToString());

        // Within the registry's refresh interval (0.5 s), without any call of this client.
        Assert.True((await listen.ReadResponseAsync()).IsRet);
        Assert.False(app.Get<ClientRegistry>().ByClientId(enterprise.ClientId)!.ApiEnabled);
    }
}
