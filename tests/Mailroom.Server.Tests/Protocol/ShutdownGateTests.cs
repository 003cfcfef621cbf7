using System.Text.Json;
using Mailroom.Server.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Mailroom.Server.Tests.Protocol;

public sealed class ShutdownGateTests
{
    [Fact]
    public async Task CallsPassWhileRunning()
    {
        using var lifetime = new Lifetime();
        var reached = false;
        var gate = new ShutdownGate(_ => { reached = true; return Task.CompletedTask; }, lifetime);
        await gate.InvokeAsync(new DefaultHttpContext());
        Assert.True(reached);
    }

    [Fact]
    public async Task CallsAfterStoppingBeganAreTemporarilyUnavailable()
    {
        using var lifetime = new Lifetime();
        await lifetime.StoppingSource.CancelAsync();
        var reached = false;
        var gate = new ShutdownGate(_ => { reached = true; return Task.CompletedTask; }, lifetime);
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();

        await gate.InvokeAsync(context);

        Assert.False(reached);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        var body = await JsonDocument.ParseAsync(context.Response.Body, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("1002", body.RootElement.GetProperty("errcode").GetString());
        Assert.Equal("temporarily_unavailable", body.RootElement.GetProperty("error").GetString());
    }

    private sealed class Lifetime : IHostApplicationLifetime, IDisposable
    {
        public CancellationTokenSource StoppingSource { get; } = new();

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => StoppingSource.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => StoppingSource.Cancel();

        public void Dispose() => StoppingSource.Dispose();
    }
}
