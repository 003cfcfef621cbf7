namespace Mailroom.Bench;

/// <summary>A fixed-duration run: answered calls counted in the measured window only.</summary>
internal sealed record ThroughputResult(long Calls, double Seconds, TimeSpan ServerCpu, long ErrorsMeasured, long ErrorsTotal, IReadOnlyList<string> ErrorSamples)
{
    public double PerSecond => Calls / Seconds;

    /// <summary>The server's CPU time per answered call in the measured window, in microseconds.</summary>
    public double ServerCpuMicroseconds => Calls == 0 ? 0 : ServerCpu.TotalMicroseconds / Calls;

    /// <summary>Several runs of the same load as one: all their calls over all their measured time.</summary>
    public static ThroughputResult Combine(IReadOnlyList<ThroughputResult> runs) => new(
        runs.Sum(r => r.Calls),
        runs.Sum(r => r.Seconds),
        TimeSpan.FromTicks(runs.Sum(r => r.ServerCpu.Ticks)),
        runs.Sum(r => r.ErrorsMeasured),
        runs.Sum(r => r.ErrorsTotal),
        [.. runs.SelectMany(r => r.ErrorSamples).Distinct().Take(5)]);
}
