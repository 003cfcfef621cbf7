using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Mailroom.Server.Auth;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Push;

/// <summary>
/// Every client's push channel on this node, and what reaches them: version wake-ups and mailbox
/// events from the notifier, revocations from the client registry, and the stop of the server.
/// Held listens live only here, in memory; nothing polls the database while they wait.
/// </summary>
internal sealed partial class ListenHub : IPushReceiver, IDisposable
{
    private readonly ConcurrentDictionary<long, ClientChannel> _channels = new();
    private readonly ConcurrentDictionary<long, ClientChannel[]> _byEnterprise = new();
    private readonly Lock _enterpriseLock = new();
    private readonly PushContext _context;
    private readonly ClientRegistry _registry;
    private readonly IDatabase _database;
    private readonly ILogger<ListenHub> _logger;
    private int _clientsEpoch;
    private volatile bool _stopping;

    public ListenHub(PushContext context, ClientRegistry registry, IDatabase database, ILogger<ListenHub> logger)
    {
        _context = context;
        _registry = registry;
        _database = database;
        _logger = logger;
        context.Metrics.ObserveQueues(QueueTotals);
    }

    public PushContext Context => _context;

    public bool IsStopping => _stopping;

    /// <summary>The client's channel, made on first use.</summary>
    public ClientChannel ChannelOf(long clientKey, long enterpriseId)
    {
        if (_channels.TryGetValue(clientKey, out var channel))
        {
            return channel;
        }

        lock (_enterpriseLock)
        {
            if (_channels.TryGetValue(clientKey, out channel))
            {
                return channel;
            }

            channel = new ClientChannel(clientKey, enterpriseId, _context);
            _byEnterprise[enterpriseId] = _byEnterprise.TryGetValue(enterpriseId, out var others) ? [.. others, channel] : [channel];
            _channels[clientKey] = channel;
            return channel;
        }
    }

    /// <summary>
    /// The enterprise's current directory version as this node knows it; false when it is not known
    /// yet, or the client claims a newer one (another node's): then <see cref="ReadVersionAsync"/>.
    /// </summary>
    public bool TryCurrentVersion(long enterpriseId, long claimed, out long current) =>
        _context.Versions.TryGetCurrent(enterpriseId, out current) && claimed <= current;

    /// <summary>The enterprise's version read from the database (and learnt), when <see cref="TryCurrentVersion"/> could not tell.</summary>
    public async Task<long> ReadVersionAsync(long enterpriseId, CancellationToken cancellationToken)
    {
        var stored = await _database.ReadAsync(session => EnterpriseStore.VersionAsync(session, enterpriseId), cancellationToken);
        _context.Versions.Observe(enterpriseId, stored);
        return _context.Versions.TryGetCurrent(enterpriseId, out var known) ? known : stored;
    }

    /// <summary>The client state a listen of <paramref name="caller"/> is admitted under, or null when it changed since the token was checked.</summary>
    public ClientState? AdmittedState(ApiCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);

        // One caller instance per registry snapshot: the same instance means nothing changed since the access filter's check.
        return _registry.ByKey(caller.ClientKey) is { } state && ReferenceEquals(state.Caller, caller) ? state : null;
    }

    /// <summary>
    /// Admits a listen on its channel (<see cref="ClientChannel.Admit"/>): null when held. A listen
    /// admitted while the server began stopping, or while its client was revoked, is let go at once.
    /// </summary>
    public ListenOutcome? Admit(ListenWaiter waiter)
    {
        ArgumentNullException.ThrowIfNull(waiter);
        if (_stopping)
        {
            return new ListenOutcome(AnswerKind.Shutdown, 0, ListenAnswers.Ret, null, 0);
        }

        var epoch = Volatile.Read(ref _clientsEpoch);
        var outcome = waiter.Channel.Admit(waiter);
        if (outcome is not null)
        {
            return outcome;
        }

        // A reload that ran while this listen was being admitted may have missed it: check it here.
        if (Volatile.Read(ref _clientsEpoch) != epoch && !StillAdmitted(waiter))
        {
            waiter.Channel.Close(waiter, AnswerKind.Revoked);
        }

        if (_stopping)
        {
            waiter.Channel.Close(waiter, AnswerKind.Shutdown);
        }

        return null;
    }

    /// <summary>
    /// Wakes the enterprise's held listens from a pool thread of its own: the call that raised the
    /// version is answered without waiting for thousands of wake-ups, and the woken answers queue
    /// on that thread, which then works through them itself instead of other threads stealing
    /// them one by one from the caller's queue.
    /// </summary>
    public void VersionChanged(long enterpriseId, long version)
    {
        // No client of the enterprise has ever listened: nothing to hand on.
        if (_byEnterprise.ContainsKey(enterpriseId))
        {
            ThreadPool.UnsafeQueueUserWorkItem(static wake => wake.Hub.Wake(wake.EnterpriseId, wake.Version, wake.WokenAt), (Hub: this, EnterpriseId: enterpriseId, Version: version, WokenAt: Stopwatch.GetTimestamp()), preferLocal: false);
        }
    }

    private void Wake(long enterpriseId, long version, long wokenAt)
    {
        if (!_byEnterprise.TryGetValue(enterpriseId, out var channels))
        {
            return;
        }

        // §5: a listen always learns the newest version, whichever wake-up comes first.
        if (_context.Versions.TryGetCurrent(enterpriseId, out var newest) && newest > version)
        {
            version = newest;
        }

        var body = _context.VersionBody(enterpriseId, version);
        foreach (var channel in channels)
        {
            channel.WakeVersion(version, body, wokenAt);
        }
    }

    public ValueTask EventArrivedAsync(long enterpriseId, byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var wokenAt = Stopwatch.GetTimestamp();
        if (!_byEnterprise.TryGetValue(enterpriseId, out var channels))
        {
            return ValueTask.CompletedTask;
        }

        List<(ClientChannel Channel, long Drops)>? toLog = null;
        foreach (var channel in channels)
        {
            if (channel.Offer(body, wokenAt) == OfferResult.QueuedDroppingOldest && channel.TakeDropsToLog(force: false) is > 0 and var drops)
            {
                (toLog ??= []).Add((channel, drops));
            }
        }

        return toLog is null ? ValueTask.CompletedTask : new(LogDropsAsync(toLog, cancellationToken));
    }

    /// <summary>
    /// The client registry reloaded: every held listen whose client was deleted, switched off,
    /// given a new key, or whose address is no longer allowed is answered {"Ret":0}; its next
    /// listen is refused by the access filter.
    /// </summary>
    public void ClientsChanged()
    {
        Interlocked.Increment(ref _clientsEpoch);
        foreach (var channel in _channels.Values)
        {
            if (channel.Held > 0 && channel.CloseWhere(waiter => !StillAdmitted(waiter), AnswerKind.Revoked) is > 0 and var closed)
            {
                LogRevoked(_logger, closed, channel.ClientKey);
            }
        }
    }

    /// <summary>The server is stopping: every held listen is answered {"Ret":0} and every event stream closed; later ones at once.</summary>
    public void Stop()
    {
        _stopping = true;
        foreach (var channel in _channels.Values)
        {
            channel.CloseWhere(static _ => true, AnswerKind.Shutdown);
        }
    }

    /// <summary>A client's push state, for the operator and the console.</summary>
    public ListenStatus StatusOf(long clientKey) =>
        _channels.TryGetValue(clientKey, out var channel)
            ? new ListenStatus(channel.Held, channel.Queued, channel.Dropped, channel.IsOnline)
            : new ListenStatus(0, 0, 0, false);

    /// <summary>Writes the operation-log lines about dropped events that are due (or all of them, at stop).</summary>
    public async Task FlushDropsAsync(bool force, CancellationToken cancellationToken)
    {
        List<(ClientChannel, long)>? toLog = null;
        foreach (var channel in _channels.Values)
        {
            if (channel.TakeDropsToLog(force) is > 0 and var drops)
            {
                (toLog ??= []).Add((channel, drops));
            }
        }

        if (toLog is not null)
        {
            await LogDropsAsync(toLog, cancellationToken);
        }
    }

    /// <summary>Keeps every queue (and when each client was last active) for the next start; called once nothing is served any more.</summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        var saved = _channels.Values.Select(c => c.Save()).Where(s => s.Events.Count > 0 || s.LastActive > 0).ToList();
        if (saved.Count == 0)
        {
            return;
        }

        await _database.WriteAsync(
            async session =>
            {
                foreach (var channel in saved)
                {
                    await PushQueueStore.SaveClientAsync(session, channel.ClientKey, channel.EnterpriseId, channel.LastActive, channel.NextSequence);
                    foreach (var item in channel.Events)
                    {
                        await PushQueueStore.SaveEventAsync(session, channel.ClientKey, item.Sequence, Encoding.UTF8.GetString(item.Body));
                    }
                }

                return Result<Done>.Ok(Done.Value);
            },
            operation: null,
            cancellationToken);
        var events = saved.Sum(s => s.Events.Count);
        LogSaved(_logger, events, saved.Count);
    }

    /// <summary>Takes back what the last clean stop kept, before any listen is served.</summary>
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        var taken = await _database.WriteAsync(
            async session =>
            {
                var clients = await PushQueueStore.ClientsAsync(session);
                var events = await PushQueueStore.EventsAsync(session);
                await PushQueueStore.ClearAsync(session);
                return Result<(List<SavedPushClient>, List<SavedPushEvent>)>.Ok((clients, events));
            },
            operation: null,
            cancellationToken);
        var (clients, events) = taken.Value;
        var byClient = events.ToLookup(e => e.ClientKey);
        foreach (var client in clients)
        {
            var queued = byClient[client.ClientKey].Select(e => new PushEvent(e.Sequence, Encoding.UTF8.GetBytes(e.Body))).ToList();
            ChannelOf(client.ClientKey, client.EnterpriseId).Restore(new SavedChannel(client.ClientKey, client.EnterpriseId, client.LastActive, client.NextSequence, queued));
        }

        if (clients.Count > 0)
        {
            LogRestored(_logger, events.Count, clients.Count);
        }
    }

    public void Dispose() => _context.Dispose();

    private bool StillAdmitted(ListenWaiter waiter) =>
        waiter.Admitted is { } admitted
        && _registry.ByKey(admitted.Key) is { } now
        && now.ApiEnabled
        && now.TokenGeneration == admitted.TokenGeneration
        && now.Allows(waiter.Source);

    // §5: a drop is counted in the metrics and written to the operation log (one line for many drops).
    private async Task LogDropsAsync(List<(ClientChannel Channel, long Drops)> drops, CancellationToken cancellationToken)
    {
        var limit = _context.Options.QueueLimit;
        var at = _context.Time.GetUtcNow();
        var records = drops.Select(d => new OperationRecord(
            at,
            d.Channel.EnterpriseId,
            _registry.ByKey(d.Channel.ClientKey)?.ClientId ?? "",
            "",
            "listen",
            string.Create(CultureInfo.InvariantCulture, $"{{\"dropped\":\"{d.Drops}\",\"limit\":\"{limit}\"}}"),
            DropResult)).ToList();
        foreach (var record in records)
        {
            LogDropped(_logger, record.ClientId, record.Parameters);
            await _database.WriteAsync(static _ => Task.FromResult(Result<Done>.Ok(Done.Value)), _ => record, cancellationToken);
        }
    }

    private QueueTotals QueueTotals()
    {
        long queued = 0, deepest = 0, online = 0;
        foreach (var channel in _channels.Values)
        {
            var depth = channel.Queued;
            queued += depth;
            deepest = Math.Max(deepest, depth);
            online += channel.IsOnline ? 1 : 0;
        }

        return new QueueTotals(queued, deepest, online);
    }

    /// <summary>The operation log's result for a line about dropped events.</summary>
    public const string DropResult = "queue_overflow";

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Answered {Count} held listens of client {ClientKey}: its key, API switch or allowed addresses changed")]
    private static partial void LogRevoked(ILogger logger, int count, long clientKey);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Push queue of client {ClientId} full: events dropped {Detail}")]
    private static partial void LogDropped(ILogger logger, string clientId, string detail);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Kept {Events} queued push events of {Clients} clients for the next start")]
    private static partial void LogSaved(ILogger logger, int events, int clients);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Restored {Events} queued push events of {Clients} clients")]
    private static partial void LogRestored(ILogger logger, int events, int clients);
}

/// <summary>A client's push state now.</summary>
/// <param name="Held">Listens held (event streams waiting included).</param>
/// <param name="Queued">Events queued.</param>
/// <param name="Dropped">Events dropped since the server started.</param>
/// <param name="Online">Whether events are queued for it now (§5).</param>
internal readonly record struct ListenStatus(int Held, int Queued, long Dropped, bool Online);
