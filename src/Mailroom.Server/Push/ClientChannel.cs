namespace Mailroom.Server.Push;

/// <summary>
/// One client's push state (PROTOCOL.md §5): its held listens, oldest first, and its event queue.
/// Every rule of §5 that concerns one client is here, under one lock: an event is queued only
/// while the client is online, handed to exactly one held listen, put back at the head when its
/// answer could not be written; the queue is bounded, dropping the oldest; at most so many listens
/// are held, the oldest let go when one more arrives.
/// </summary>
internal sealed class ClientChannel(long clientKey, long enterpriseId, PushContext context)
{
    private const long Never = long.MinValue / 2;

    private readonly Lock _lock = new();
    private readonly EventQueue _queue = new();
    private readonly Queue<PushEvent> _replay = new();
    private ListenWaiter? _oldest;
    private ListenWaiter? _newest;
    private long _nextSequence = 1;
    private long _lastFinished = Never;
    private long _unloggedDrops;
    private long _lastDropLog = Never;

    public long ClientKey => clientKey;

    public long EnterpriseId => enterpriseId;

    /// <summary>Listens held now.</summary>
    public int Held { get; private set; }

    /// <summary>Events queued now.</summary>
    public int Queued
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Events dropped since the server started.</summary>
    public long Dropped { get; private set; }

    /// <summary>§5: online while a listen is held, or one finished less than the grace time ago.</summary>
    public bool IsOnline
    {
        get
        {
            var now = NowMs();
            lock (_lock)
            {
                return OnlineAt(now, context.Options);
            }
        }
    }

    /// <summary>
    /// Admits a listen: answered at once with the newer version or the oldest queued event (in that
    /// order, §5), else held (returns null) until one of them comes, the hold time passes, or it is
    /// let go. Holding one more than the limit lets the oldest held go with {"Ret":0}.
    /// </summary>
    public ListenOutcome? Admit(ListenWaiter waiter)
    {
        ArgumentNullException.ThrowIfNull(waiter);
        var options = context.Options;
        lock (_lock)
        {
            // Read under the lock: a version raised after this read wakes the listen once it is held.
            if (context.Versions.TryGetCurrent(enterpriseId, out var current) && current > waiter.Ver)
            {
                return new ListenOutcome(AnswerKind.Version, current, context.VersionBody(enterpriseId, current), null, 0);
            }

            if (_queue.TryDequeue(out var queued))
            {
                return new ListenOutcome(AnswerKind.Event, 0, queued.Body, queued, 0);
            }

            Link(waiter);
            context.Expiry.Add(waiter, waiter.Hold);
            if (Held > options.ListenLimit)
            {
                var oldest = _oldest!;
                Unlink(oldest);
                oldest.Complete(new ListenOutcome(AnswerKind.Evicted, 0, ListenAnswers.Ret, null, 0));
            }

            return null;
        }
    }

    /// <summary>
    /// An event for this client: handed to its oldest held listen, else queued, if the client is
    /// online (§5: events are queued for online clients only).
    /// </summary>
    public OfferResult Offer(byte[] body, long wokenAt)
    {
        var now = NowMs();
        var options = context.Options;
        lock (_lock)
        {
            if (!OnlineAt(now, options))
            {
                return OfferResult.Offline;
            }

            var item = new PushEvent(_nextSequence++, body);
            if (_oldest is { } waiter)
            {
                Unlink(waiter);
                waiter.Complete(new ListenOutcome(AnswerKind.Event, 0, body, item, wokenAt));
                return OfferResult.HandedOver;
            }

            var dropped = _queue.Enqueue(item, options.QueueLimit);
            if (dropped == 0)
            {
                return OfferResult.Queued;
            }

            CountDrops(dropped);
            return OfferResult.QueuedDroppingOldest;
        }
    }

    /// <summary>
    /// An event whose answer could not be written (§5: the connection was gone) goes back to the
    /// head of the queue, or straight to another held listen. A full queue drops it: it is the oldest.
    /// </summary>
    public void Requeue(PushEvent item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var options = context.Options;
        lock (_lock)
        {
            if (_oldest is { } waiter)
            {
                Unlink(waiter);
                waiter.Complete(new ListenOutcome(AnswerKind.Event, 0, item.Body, item, System.Diagnostics.Stopwatch.GetTimestamp()));
                return;
            }

            if (!_queue.PushFront(item, options.QueueLimit))
            {
                CountDrops(1);
            }
        }
    }

    /// <summary>The enterprise's directory version grew: every held listen older than it is answered with <paramref name="body"/>.</summary>
    public void WakeVersion(long version, byte[] body, long wokenAt)
    {
        lock (_lock)
        {
            var waiter = _oldest;
            while (waiter is not null)
            {
                var next = waiter.Newer;
                if (waiter.Ver < version)
                {
                    Unlink(waiter);
                    waiter.Complete(new ListenOutcome(AnswerKind.Version, version, body, null, wokenAt));
                }

                waiter = next;
            }
        }
    }

    /// <summary>The expiry wheel found the wait's hold time passed.</summary>
    public void Expire(ListenWaiter waiter)
    {
        ArgumentNullException.ThrowIfNull(waiter);
        var now = context.Expiry.Now;
        lock (_lock)
        {
            // An event stream reuses its waiter: a later wait of it is not due yet.
            if (waiter.IsHeld && waiter.ExpiresAt <= now)
            {
                Unlink(waiter);
                waiter.Complete(new ListenOutcome(AnswerKind.Timeout, 0, ListenAnswers.Ret, null, 0));
            }
        }
    }

    /// <summary>The client went away while the listen was held.</summary>
    public void Cancel(ListenWaiter waiter) => Close(waiter, AnswerKind.Gone);

    /// <summary>Ends one held listen with {"Ret":0} for <paramref name="kind"/> (or nothing, for <see cref="AnswerKind.Gone"/>).</summary>
    public void Close(ListenWaiter waiter, AnswerKind kind)
    {
        ArgumentNullException.ThrowIfNull(waiter);
        lock (_lock)
        {
            if (waiter.IsHeld)
            {
                Unlink(waiter);
                waiter.Complete(new ListenOutcome(kind, 0, kind == AnswerKind.Gone ? null : ListenAnswers.Ret, null, 0));
            }
        }
    }

    /// <summary>Ends every held listen for which <paramref name="ends"/> is true with {"Ret":0} for <paramref name="kind"/>.</summary>
    public int CloseWhere(Func<ListenWaiter, bool> ends, AnswerKind kind)
    {
        ArgumentNullException.ThrowIfNull(ends);
        var closed = 0;
        lock (_lock)
        {
            var waiter = _oldest;
            while (waiter is not null)
            {
                var next = waiter.Newer;
                if (ends(waiter))
                {
                    Unlink(waiter);
                    waiter.Complete(new ListenOutcome(kind, 0, ListenAnswers.Ret, null, 0));
                    closed++;
                }

                waiter = next;
            }
        }

        return closed;
    }

    /// <summary>
    /// A listen of this client is answered (stamped before the answer is written) or ends: the
    /// online grace starts again.
    /// </summary>
    public void Finish() => Volatile.Write(ref _lastFinished, NowMs());

    /// <summary>An event written to an event stream: kept for a stream resumed with Last-Event-ID.</summary>
    public void Remember(PushEvent item)
    {
        var limit = context.Options.ReplayEvents;
        lock (_lock)
        {
            _replay.Enqueue(item);
            while (_replay.Count > Math.Max(0, limit))
            {
                _replay.Dequeue();
            }
        }
    }

    /// <summary>The events written to event streams after <paramref name="sequence"/>, oldest first, as far as they are kept.</summary>
    public List<PushEvent> ReplayAfter(long sequence)
    {
        lock (_lock)
        {
            return [.. _replay.Where(e => e.Sequence > sequence)];
        }
    }

    /// <summary>
    /// Dropped events not yet in the operation log, if a line is due: at most one line per
    /// DropLogSeconds, unless <paramref name="force"/> (at stop). 0: nothing to write now.
    /// </summary>
    public long TakeDropsToLog(bool force)
    {
        var now = NowMs();
        var interval = (long)TimeSpan.FromSeconds(Math.Max(0, context.Options.DropLogSeconds)).TotalMilliseconds;
        lock (_lock)
        {
            if (_unloggedDrops == 0 || (!force && now - _lastDropLog < interval))
            {
                return 0;
            }

            var drops = _unloggedDrops;
            _unloggedDrops = 0;
            _lastDropLog = now;
            return drops;
        }
    }

    /// <summary>What is kept across a clean restart: the queue, when the client was last active, the next sequence number.</summary>
    public SavedChannel Save()
    {
        lock (_lock)
        {
            var lastActive = Held > 0 ? NowMs() : _lastFinished;
            return new SavedChannel(clientKey, enterpriseId, lastActive, _nextSequence, _queue.ToList());
        }
    }

    /// <summary>Puts back what <see cref="Save"/> kept, before anything else happened to this channel.</summary>
    public void Restore(SavedChannel saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        var options = context.Options;
        lock (_lock)
        {
            _lastFinished = Math.Max(_lastFinished, saved.LastActive);
            _nextSequence = Math.Max(_nextSequence, saved.NextSequence);
            foreach (var item in saved.Events)
            {
                var dropped = _queue.Enqueue(item, options.QueueLimit);
                if (dropped > 0)
                {
                    CountDrops(dropped);
                }
            }
        }
    }

    private bool OnlineAt(long now, ListenOptions options) =>
        Held > 0 || now - _lastFinished < (long)options.Grace.TotalMilliseconds;

    private long NowMs() => context.Time.GetUtcNow().ToUnixTimeMilliseconds();

    private void CountDrops(long dropped)
    {
        _unloggedDrops += dropped;
        Dropped += dropped;
        context.Metrics.Dropped(dropped);
    }

    private void Link(ListenWaiter waiter)
    {
        waiter.Older = _newest;
        waiter.Newer = null;
        if (_newest is null)
        {
            _oldest = waiter;
        }
        else
        {
            _newest.Newer = waiter;
        }

        _newest = waiter;
        waiter.IsHeld = true;
        Held++;
        context.Metrics.HeldChanged(1);
    }

    private void Unlink(ListenWaiter waiter)
    {
        if (waiter.Older is null)
        {
            _oldest = waiter.Newer;
        }
        else
        {
            waiter.Older.Newer = waiter.Newer;
        }

        if (waiter.Newer is null)
        {
            _newest = waiter.Older;
        }
        else
        {
            waiter.Newer.Older = waiter.Older;
        }

        waiter.Older = null;
        waiter.Newer = null;
        waiter.IsHeld = false;
        Held--;

        // The listen finishes now, however it ends: the client stays online without a gap (§5).
        _lastFinished = NowMs();
        context.Metrics.HeldChanged(-1);
        context.Expiry.Remove(waiter);
    }
}

/// <summary>What became of an event offered to a client.</summary>
internal enum OfferResult
{
    /// <summary>The client is offline: not queued (§5).</summary>
    Offline,

    /// <summary>Given to a held listen at once.</summary>
    HandedOver,

    Queued,

    /// <summary>Queued, and the queue was full: the oldest were dropped.</summary>
    QueuedDroppingOldest,
}

/// <summary>A client's push state as kept across a clean restart.</summary>
internal sealed record SavedChannel(long ClientKey, long EnterpriseId, long LastActive, long NextSequence, IReadOnlyList<PushEvent> Events);
