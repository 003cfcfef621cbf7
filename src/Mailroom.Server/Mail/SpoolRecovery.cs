using System.Diagnostics;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Mail;

/// <summary>
/// The message spool's journal against the database (<see cref="MessageSpool"/>). Before the
/// server listens (HTTP or SMTP), every record after the recovery mark whose rows the database
/// does not hold — a power loss took commits that were never flushed — is delivered again, under
/// the MailIds the journal gave it; then the leftovers of a crash are removed and the mark moves
/// to the end of the journal. While the server runs, the mark is stored every second (with a
/// durable write, which makes every earlier journaled commit durable too), and once more after
/// SMTP has drained at shutdown.
/// </summary>
/// <remarks>
/// The start reads only the records written after the last stored mark: about a second of intake
/// (plus messages whose rows were still being committed) after a crash, nothing after a clean
/// stop; and one query per journal file read. Replayed deliveries queue no push events (no client
/// is listening yet); the counts include them.
/// </remarks>
internal sealed partial class SpoolRecovery(MessageSpool spool, IDatabase database, TimeProvider time, ILogger<SpoolRecovery> logger)
    : BackgroundService, IHostedLifecycleService
{
    /// <summary>How often the mark is stored while mail flows.</summary>
    public static readonly TimeSpan MarkInterval = TimeSpan.FromSeconds(1);

    private readonly StopOnce _stop = new();
    private SpoolMark? _stored;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var mark = await database.ReadAsync(session => SpoolStore.MarkAsync(session, MessageSpool.Name), cancellationToken);
        var (read, replayed, end) = await ReplayAsync(mark, cancellationToken);
        var removed = await SpoolJournal.RemoveOrphansAsync(
            spool.Root,
            file => database.ReadAsync(session => MailStore.FileIsStoredAsync(session, file), cancellationToken),
            cancellationToken);
        if (end is not null)
        {
            // Durable, and so are the replayed deliveries committed before it.
            await StoreMarkAsync(end, cancellationToken);
        }

        spool.Start();
        if (replayed > 0)
        {
            LogReplayed(logger, replayed, read, clock.ElapsedMilliseconds);
        }

        if (removed > 0)
        {
            LogOrphansRemoved(logger, removed);
        }
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task StopAsync(CancellationToken cancellationToken) => _stop.RunAsync(() => StoreLastMarkAsync(cancellationToken));

    private async Task StoreLastMarkAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // SMTP stopped before this (it was registered after), so this mark covers every message.
        try
        {
            await TryStoreMarkAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Out of shutdown time: the next start reads the last second's records again.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(MarkInterval, time, stoppingToken);
                await TryStoreMarkAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync stores the last mark.
        }
    }

    private async Task<(int Read, int Replayed, SpoolMark? End)> ReplayAsync(SpoolMark? mark, CancellationToken cancellationToken)
    {
        int read = 0, replayed = 0;
        SpoolMark? end = null;
        foreach (var file in SpoolJournal.FilesFrom(spool.Root, mark))
        {
            var stored = await database.ReadAsync(session => SpoolStore.StoredOffsetsAsync(session, file), cancellationToken);
            var from = mark is not null && mark.File == file ? mark.Offset : 0;
            foreach (var entry in SpoolJournal.Read(spool.Root, file, from))
            {
                read++;
                end = entry.End;
                if (entry.Refused || stored.Contains(entry.RawOffset))
                {
                    continue;
                }

                await database.WriteJournaledAsync(
                    session => MailDeliveryService.ApplyAsync(session, entry.Record, file, entry.RawOffset, entry.RawLength),
                    cancellationToken);
                replayed++;
            }
        }

        return (read, replayed, end);
    }

    private async Task TryStoreMarkAsync(CancellationToken cancellationToken)
    {
        if (spool.Mark() is not { } mark || mark == _stored)
        {
            return;
        }

        try
        {
            await StoreMarkAsync(mark, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Only the next start's work grows; the next tick tries again.
            LogMarkFailed(logger, e);
        }
    }

    private async Task StoreMarkAsync(SpoolMark mark, CancellationToken cancellationToken)
    {
        await database.WriteAsync(
            async session =>
            {
                await SpoolStore.SetMarkAsync(session, MessageSpool.Name, mark);
                return Result<Done>.Ok(Done.Value);
            },
            null,
            cancellationToken);
        _stored = mark;
    }

    [LoggerMessage(EventId = 6006, Level = LogLevel.Warning, Message = "Delivered {Replayed} of {Read} journaled message(s) again, whose database rows an earlier crash lost ({Milliseconds} ms)")]
    private static partial void LogReplayed(ILogger logger, int replayed, int read, long milliseconds);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Information, Message = "Removed {Count} message file(s) left without a message by an earlier crash")]
    private static partial void LogOrphansRemoved(ILogger logger, int count);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Warning, Message = "Could not store the message spool's recovery mark")]
    private static partial void LogMarkFailed(ILogger logger, Exception exception);
}
