using Mailroom.Server.Storage;

namespace Mailroom.Server.Directory;

/// <summary>
/// Replaces quick password hashes by slow ones (see <see cref="PasswordHasher"/>) in the
/// background, one at a time, on an <see cref="IdleWorker"/> and at the pace of
/// <see cref="HardeningPace"/>, so that it uses idle CPU and barely slows the answers to calls.
/// Woken after every write that stored a password, and at start (a crash leaves the queue in the
/// database).
/// </summary>
internal sealed partial class PasswordHardener(IDatabase database, PasswordHasher hasher, HardeningPace pace, TimeProvider time, ILogger<PasswordHardener> logger) : BackgroundService
{
    private const int BatchSize = 32;

    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Tells the hardener there is work; cheap, and safe to call often.</summary>
    public void Notify()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var worker = new IdleWorker("Mailroom password hardener", time);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pending = await database.ReadAsync(session => PasswordHardeningStore.PendingAsync(session, BatchSize), stoppingToken);
                if (pending.Count == 0)
                {
                    await _wake.WaitAsync(stoppingToken);
                    continue;
                }

                var hardened = new List<(long MemberId, string? Quick, string? Slow)>(pending.Count);
                foreach (var (memberId, quick) in pending)
                {
                    // Safe to run twice, as the worker may: each run salts afresh, and either hash verifies.
                    var slow = quick is null ? null : await pace.RunAsync(() => worker.RunAsync(() => hasher.Harden(quick), stoppingToken), stoppingToken);
                    hardened.Add((memberId, quick, slow));
                }

                await database.WriteAsync(
                    async session =>
                    {
                        foreach (var (memberId, quick, slow) in hardened)
                        {
                            if (quick is null)
                            {
                                await PasswordHardeningStore.DequeueAsync(session, memberId);
                            }
                            else
                            {
                                await PasswordHardeningStore.CompleteAsync(session, memberId, quick, slow);
                            }
                        }

                        return Protocol.Result<Protocol.Done>.Ok(Protocol.Done.Value);
                    },
                    operation: null,
                    stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Quick hashes stay valid; the queue is retried after a pause.
                LogHardeningFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
            }
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Hardening stored passwords failed; retrying")]
    private static partial void LogHardeningFailed(ILogger logger, Exception exception);
}
