using System.Net;
using System.Threading.Tasks.Sources;
using Mailroom.Server.Auth;

namespace Mailroom.Server.Push;

/// <summary>
/// One held listen, or the current wait of an event stream: an awaitable completed once per wait
/// with its outcome, linked into its client's list of held listens and into the shared expiry
/// list, so that waking, expiring or cancelling it is O(1) and allocates nothing. The list links
/// are guarded by the lists' locks; the outcome is set under the channel's lock, once per wait.
/// </summary>
internal sealed class ListenWaiter : IValueTaskSource<ListenOutcome>
{
    private ManualResetValueTaskSourceCore<ListenOutcome> _core = new() { RunContinuationsAsynchronously = true };

    public ListenWaiter(ClientChannel channel, ClientState? admitted, IPAddress? source, long ver, TimeSpan hold, bool isStream)
    {
        Channel = channel;
        Admitted = admitted;
        Source = source;
        Ver = ver;
        Hold = hold;
        IsStream = isStream;
    }

    public ClientChannel Channel { get; }

    /// <summary>The client's credential state the listen was admitted under; revocation compares with it.</summary>
    public ClientState? Admitted { get; }

    public IPAddress? Source { get; }

    /// <summary>The directory version the client holds: a newer one answers the wait.</summary>
    public long Ver { get; set; }

    /// <summary>How long the wait lasts before it times out (the hold time, or an event stream's ping interval).</summary>
    public TimeSpan Hold { get; }

    public bool IsStream { get; }

    // The client's held listens, oldest first; guarded by the channel's lock.
    internal ListenWaiter? Older { get; set; }

    internal ListenWaiter? Newer { get; set; }

    internal bool IsHeld { get; set; }

    // The expiry list, earliest first; guarded by the wheel's lock. ExpiresAt is a TimeProvider timestamp.
    internal ListenWaiter? Earlier { get; set; }

    internal ListenWaiter? Later { get; set; }

    internal bool IsTimed { get; set; }

    internal long ExpiresAt { get; set; }

    /// <summary>The outcome of the current wait, once it is set.</summary>
    public ValueTask<ListenOutcome> WaitAsync() => new(this, _core.Version);

    /// <summary>Makes the waiter ready for its next wait (an event stream reuses one); only after the last outcome was read.</summary>
    public void Reset() => _core.Reset();

    /// <summary>The client went away: a held wait ends with <see cref="AnswerKind.Gone"/>; otherwise nothing happens.</summary>
    public void Abandon() => Channel.Cancel(this);

    ListenOutcome IValueTaskSource<ListenOutcome>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<ListenOutcome>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<ListenOutcome>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    // Continuations run on the thread pool: whoever wakes thousands of listens only queues them.
    internal void Complete(in ListenOutcome outcome) => _core.SetResult(outcome);
}
