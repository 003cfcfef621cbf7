namespace Mailroom.Bench;

/// <summary>The times of repeated single calls (successful ones only).</summary>
internal sealed record LatencyResult(IReadOnlyList<TimeSpan> Times, long Errors, IReadOnlyList<string> ErrorSamples)
{
    public TimeSpan Median
    {
        get
        {
            if (Times.Count == 0)
            {
                return TimeSpan.Zero;
            }

            var sorted = Times.Order().ToArray();
            var middle = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }
    }

    /// <summary>The nearest-rank percentile (0–100).</summary>
    public TimeSpan Percentile(double percent)
    {
        if (Times.Count == 0)
        {
            return TimeSpan.Zero;
        }

        var sorted = Times.Order().ToArray();
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public TimeSpan Min => Times.Count == 0 ? TimeSpan.Zero : Times.Min();

    public TimeSpan Max => Times.Count == 0 ? TimeSpan.Zero : Times.Max();
}
