namespace Mailroom.Server.Protocol;

/// <summary>
/// Chooses, for each accepted connection, between Kestrel's two ways of running it, and counts the
/// open connections of each kind (for /metrics).
/// <para>
/// Inline: parsing, the request and sending the answer run on the thread-pool thread that received
/// the bytes. That saves two thread-pool hand-offs per request, which is most of the latency of a
/// client making one call at a time (one-connection user/sync does about 15 % more calls per
/// second). Pooled (Kestrel's default): each step is handed on through the pool and its I/O
/// queues, which batch the sends of many connections; with thousands of held listens that costs
/// less CPU per answer (≈ 7 % less measured at 10,000).
/// </para>
/// <para>
/// So a connection is inline while the server has few open, at most <see cref="TransportOptions.InlineLimit"/>
/// (twice the cores by default): with no more connections than cores a request never waits for
/// a thread, and the hand-offs are pure delay. A connection keeps its kind for its life.
/// </para>
/// </summary>
internal sealed class ConnectionScheduling(int inlineLimit)
{
    private long _open;
    private long _inline;

    public long InlineOpen => Interlocked.Read(ref _inline);

    public long PooledOpen => Interlocked.Read(ref _open) - InlineOpen;

    /// <summary>Counts a new connection in, and whether it should run inline.</summary>
    public bool Admit()
    {
        // One atomic count decides, so connections accepted at once on two listeners cannot both
        // take the last inline place.
        if (Interlocked.Increment(ref _open) > inlineLimit)
        {
            return false;
        }

        Interlocked.Increment(ref _inline);
        return true;
    }

    /// <summary>Counts a connection out once it has closed.</summary>
    public void Closed(bool inline)
    {
        if (inline)
        {
            Interlocked.Decrement(ref _inline);
        }

        Interlocked.Decrement(ref _open);
    }
}
