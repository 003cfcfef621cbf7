namespace Mailroom.Server.Push;

/// <summary>
/// The hold times of every held listen, on one timer: a list ordered by expiry (with a constant
/// hold time each new listen goes to the end, O(1)), and one timer armed for its head, firing at
/// most every <see cref="Resolution"/>. No timer and no thread per listen.
/// </summary>
internal sealed class ExpiryWheel : IDisposable
{
    /// <summary>Listens expire up to this much late, so that a burst of expiries costs a few timer firings.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromMilliseconds(50);

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly long _resolution;
    private ListenWaiter? _first;
    private ListenWaiter? _last;
    private long _armedFor = long.MaxValue;

    public ExpiryWheel(TimeProvider time)
    {
        _time = time;
        _resolution = (long)(Resolution.TotalSeconds * time.TimestampFrequency);
        _timer = time.CreateTimer(static wheel => ((ExpiryWheel)wheel!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public long Now => _time.GetTimestamp();

    /// <summary>Starts timing a wait; called under the waiter's channel lock (lock order: channel, then wheel).</summary>
    public void Add(ListenWaiter waiter, TimeSpan hold)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            var expiresAt = now + (long)(hold.TotalSeconds * _time.TimestampFrequency);
            waiter.ExpiresAt = expiresAt;
            waiter.IsTimed = true;

            // From the end: with one hold time for all, the new listen expires last.
            var before = _last;
            while (before is not null && before.ExpiresAt > expiresAt)
            {
                before = before.Earlier;
            }

            waiter.Earlier = before;
            waiter.Later = before is null ? _first : before.Later;
            if (waiter.Later is null)
            {
                _last = waiter;
            }
            else
            {
                waiter.Later.Earlier = waiter;
            }

            if (before is null)
            {
                _first = waiter;
            }
            else
            {
                before.Later = waiter;
            }

            if (expiresAt < _armedFor)
            {
                Arm(expiresAt, now);
            }
        }
    }

    /// <summary>Stops timing a wait that ended otherwise; the timer is left as it is (a spurious firing re-arms it).</summary>
    public void Remove(ListenWaiter waiter)
    {
        lock (_lock)
        {
            if (waiter.IsTimed)
            {
                Unlink(waiter);
            }
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Tick()
    {
        List<ListenWaiter>? due = null;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            _armedFor = long.MaxValue;
            while (_first is { } waiter && waiter.ExpiresAt <= now)
            {
                Unlink(waiter);
                (due ??= []).Add(waiter);
            }

            if (_first is { } next)
            {
                Arm(Math.Max(next.ExpiresAt, now + _resolution), now);
            }
        }

        // Outside the wheel's lock: expiring takes the channel's lock, which is taken before this one.
        if (due is not null)
        {
            foreach (var waiter in due)
            {
                waiter.Channel.Expire(waiter);
            }
        }
    }

    private void Arm(long at, long now)
    {
        _armedFor = at;
        _timer.Change(at <= now ? TimeSpan.Zero : _time.GetElapsedTime(now, at), Timeout.InfiniteTimeSpan);
    }

    private void Unlink(ListenWaiter waiter)
    {
        if (waiter.Earlier is null)
        {
            _first = waiter.Later;
        }
        else
        {
            waiter.Earlier.Later = waiter.Later;
        }

        if (waiter.Later is null)
        {
            _last = waiter.Earlier;
        }
        else
        {
            waiter.Later.Earlier = waiter.Earlier;
        }

        waiter.Earlier = null;
        waiter.Later = null;
        waiter.IsTimed = false;
    }
}
