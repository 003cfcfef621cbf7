using Mailroom.Server.Protocol;

namespace Mailroom.Server.Directory;

/// <summary>
/// Paces the <see cref="PasswordHardener"/>: its slow hashes run back to back once the server has
/// been quiet for <see cref="QuietPeriod"/>, and take at most <see cref="BusyShare"/> of one CPU
/// while requests flow. The idle scheduling class is not enough on a virtual machine: on the
/// benchmark machine a busy hardener cost about a third of the user/sync calls per second on one
/// connection, though it only ever ran when a CPU was idle.
/// </summary>
internal sealed class HardeningPace(ServerActivity activity, TimeProvider time)
{
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(100);

    public const double BusyShare = 0.1;

    private TimeSpan _owed;
    private long _since;

    /// <summary>Records a hash that took <paramref name="took"/>: while requests flow, the next waits nine times as long.</summary>
    public void Worked(TimeSpan took)
    {
        _owed = took * ((1 / BusyShare) - 1);
        _since = time.GetTimestamp();
    }

    /// <summary>Runs one hash when its turn comes, and counts its time toward the next turn.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> hash, CancellationToken cancellationToken)
    {
        await WaitTurnAsync(cancellationToken);
        var started = time.GetTimestamp();
        var result = await hash();
        Worked(time.GetElapsedTime(started));
        return result;
    }

    /// <summary>Waits until the next hash may run.</summary>
    public async Task WaitTurnAsync(CancellationToken cancellationToken)
    {
        for (var wait = Delay(); wait > TimeSpan.Zero; wait = Delay())
        {
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    /// <summary>How much longer the next hash waits: nothing once the server is quiet or the rest is over.</summary>
    internal TimeSpan Delay()
    {
        var untilQuiet = QuietPeriod - activity.SinceLastRequest;
        var rest = _owed - time.GetElapsedTime(_since);
        if (untilQuiet <= TimeSpan.Zero || rest <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        return rest < untilQuiet ? rest : untilQuiet;
    }
}
