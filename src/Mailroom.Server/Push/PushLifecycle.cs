using Mailroom.Server.Auth;
using Mailroom.Server.Directory;
using Mailroom.Server.Protocol;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Push;

/// <summary>
/// Connects push to the rest of the server and runs its life: takes back the queues kept at the
/// last clean stop before the server serves, subscribes to version growth and client changes,
/// answers every held listen when stopping begins, and keeps the queues once serving has ended.
/// Meanwhile it writes the operation-log lines about dropped events that waited for their turn.
/// </summary>
internal sealed partial class PushLifecycle(
    ListenHub hub,
    IPushNotifier notifier,
    DirectoryVersions versions,
    ClientRegistry registry,
    IHostApplicationLifetime lifetime,
    IOptionsMonitor<ListenOptions> options,
    TimeProvider time,
    ILogger<PushLifecycle> logger) : BackgroundService, IHostedLifecycleService
{
    private readonly StopOnce _stopped = new();
    private CancellationTokenRegistration _stopping;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await hub.RestoreAsync(cancellationToken);
        notifier.Subscribe(hub);
        versions.Raised += OnVersionRaised;
        registry.Reloaded += hub.ClientsChanged;
        _stopping = lifetime.ApplicationStopping.Register(hub.Stop);
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        hub.Stop();
        return Task.CompletedTask;
    }

    /// <summary>After the web server has stopped: no listen can take or put back an event any more.</summary>
    public Task StoppedAsync(CancellationToken cancellationToken) => _stopped.RunAsync(() => KeepQueuesAsync(cancellationToken));

    private async Task KeepQueuesAsync(CancellationToken cancellationToken)
    {
        versions.Raised -= OnVersionRaised;
        registry.Reloaded -= hub.ClientsChanged;
        await _stopping.DisposeAsync();
        await hub.FlushDropsAsync(force: true, cancellationToken);
        await hub.SaveAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, options.CurrentValue.DropLogSeconds)), time, stoppingToken);
            try
            {
                await hub.FlushDropsAsync(force: false, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogDropLogFailed(logger, e);
            }
        }
    }

    // Runs on the committing thread, after the commit: a fault here must not fail the write.
    private void OnVersionRaised(long enterpriseId, long version)
    {
        try
        {
            notifier.PublishVersion(enterpriseId, version);
        }
        catch (Exception e)
        {
            LogWakeFailed(logger, e, enterpriseId);
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Error, Message = "Waking the listens of enterprise {EnterpriseId} failed")]
    private static partial void LogWakeFailed(ILogger logger, Exception exception, long enterpriseId);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Writing the operation-log lines about dropped push events failed; retrying later")]
    private static partial void LogDropLogFailed(ILogger logger, Exception exception);
}
