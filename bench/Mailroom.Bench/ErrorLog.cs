using System.Text;

namespace Mailroom.Bench;

/// <summary>Counts failed calls of one run and keeps the first few distinct descriptions for the report.</summary>
internal sealed class ErrorLog
{
    private const int MaxSamples = 5;

    private readonly List<string> _samples = [];
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public IReadOnlyList<string> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    public void Add(HttpResponse response, ReadOnlySpan<byte> head)
    {
        if (Interlocked.Increment(ref _count) <= 50)
        {
            var body = Encoding.UTF8.GetString(head[..Math.Min(head.Length, 200)]);
            Sample($"HTTP {response.Status}, {response.ContentLength} bytes: {body}");
        }
    }

    /// <summary>A failure that is not an HTTP answer or an exception, described by the caller.</summary>
    public void Add(string description)
    {
        if (Interlocked.Increment(ref _count) <= 50)
        {
            Sample(description);
        }
    }

    public void Add(Exception exception)
    {
        if (Interlocked.Increment(ref _count) <= 50)
        {
            Sample($"{exception.GetType().Name}: {exception.Message}");
        }
    }

    private void Sample(string text)
    {
        lock (_samples)
        {
            if (_samples.Count < MaxSamples && !_samples.Contains(text))
            {
                _samples.Add(text);
            }
        }
    }
}
