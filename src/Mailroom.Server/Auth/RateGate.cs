using System.Collections.Concurrent;

namespace Mailroom.Server.Auth;

/// <summary>
/// A token bucket per client: up to one second's worth of requests in a burst, refilled at the
/// client's rate. Kept in memory per node.
/// </summary>
internal sealed class RateGate(TimeProvider time)
{
    private readonly ConcurrentDictionary<long, Bucket> _buckets = new();

    /// <returns>Null when the request may go on, else how long to wait before the next one.</returns>
    public TimeSpan? Take(long clientKey, int perSecond)
    {
        if (perSecond <= 0)
        {
            return null;
        }

        var bucket = _buckets.GetOrAdd(clientKey, static _ => new Bucket());
        var now = time.GetTimestamp();
        lock (bucket)
        {
            var elapsed = bucket.Last == 0 ? 1.0 : time.GetElapsedTime(bucket.Last, now).TotalSeconds;
            bucket.Last = now;
            bucket.Tokens = Math.Min(perSecond, bucket.Tokens + (elapsed * perSecond));
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return null;
            }

            return TimeSpan.FromSeconds((1 - bucket.Tokens) / perSecond);
        }
    }

    private sealed class Bucket
    {
        public long Last { get; set; }

        public double Tokens { get; set; }
    }
}
