using System.Net;
using Mailroom.Server.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Mailroom.IntegrationTests;

public sealed class ServerTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public ServerTests(ServerFixture fixture) => _app = fixture.App;

    [Fact]
    public void TestsTalkToARealLoopbackListener()
    {
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(_app.BaseAddress.Host == "localhost" ? "127.0.0.1" : _app.BaseAddress.Host)));
        Assert.NotEqual(80, _app.BaseAddress.Port);
    }

    [Fact]
    public async Task UnknownPathIs404WithProtocolBody()
    {
        var response = await ApiResponse.SendAsync(_app.Client, new HttpRequestMessage(HttpMethod.Get, "/openapi/no/such"));
        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("1001", response.Json.GetProperty("errcode").GetString());
        Assert.Equal("invalid_request", response.Json.GetProperty("error").GetString());
    }

    // With an IHttpContextAccessor registered, Kestrel allocates a new HttpContext for every
    // request (every held listen) and sets an AsyncLocal: the pages must not bring one back.
    [Fact]
    public void NoHttpContextAccessorIsRegistered()
    {
        Assert.Null(_app.Services.GetService<IHttpContextAccessor>());
    }

    // While this category logs at any level, every request gets a tracing Activity and a log
    // scope; it is off unless an operator turns it on.
    [Fact]
    public void PerRequestHostingDiagnosticsAreOffByDefault()
    {
        var logger = _app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");
        Assert.False(logger.IsEnabled(LogLevel.Critical));
    }

    // A test host is stopped twice at once (by its factory and by Program's RunAsync) and is
    // disposed when the first stop returns: a stop after the disposal must not throw.
    [Fact]
    public async Task TheHostTakesAStopAfterItsDisposal()
    {
        using var app = new MailroomApp();
        var host = app.Get<IHost>();
        await host.StopAsync(TestContext.Current.CancellationToken);
        host.Dispose();
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    // The password hardener holds back while requests flow; the open protocol's calls skip the
    // middleware after routing, so the activity must be noted before it.
    [Fact]
    public async Task OpenProtocolCallsCountAsServerActivity()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var app = new MailroomApp(configureServices: services => services.AddSingleton<TimeProvider>(time));
        var enterprise = await app.CreateEnterpriseAsync();
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(TimeSpan.FromMinutes(1), app.Get<ServerActivity>().SinceLastRequest);

        await enterprise.PostAsync("/openapi/user/get", ("userid", "nobody@" + enterprise.Domain));
        Assert.Equal(TimeSpan.Zero, app.Get<ServerActivity>().SinceLastRequest);
    }
}
