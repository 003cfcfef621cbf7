using Mailroom.Server.Storage;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Auth;

/// <summary>
/// Loads the client registry at start, then polls one counter so that changes made by another
/// process (the operator commands) or another node reach this one within the refresh interval.
/// </summary>
internal sealed partial class ClientRegistryRefresher(
    ClientRegistry registry,
    TokenService tokens,
    IDatabase database,
    IOptions<AuthOptions> options,
    TimeProvider time,
    ILogger<ClientRegistryRefresher> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await tokens.InitializeAsync(cancellationToken);
        await registry.ReloadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.ClientRefreshMilliseconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var revision = await database.ReadAsync(session => RevisionStore.ReadAsync(session, RevisionStore.Clients), stoppingToken);
                if (revision != registry.Revision)
                {
                    await registry.ReloadAsync(stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRefreshFailed(logger, e);
            }
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Refreshing the client registry failed; retrying")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
