namespace Mailroom.Bench;

/// <summary>A fixed amount of work: how long all of it took; the rate counts successful calls only.</summary>
internal sealed record BatchResult(long Succeeded, long Sent, double Seconds, long Errors, IReadOnlyList<string> ErrorSamples)
{
    public double PerSecond => Succeeded / Seconds;
}
