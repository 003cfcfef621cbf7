using System.Runtime.InteropServices;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Directory;

/// <summary>
/// Replaces quick password hashes by slow ones (see <see cref="PasswordHasher"/>) in the
/// background, one at a time, on one thread of the idle scheduling class and at the pace of
/// <see cref="HardeningPace"/>, so that it uses idle CPU and barely slows the answers to calls.
/// Woken after every write that stored a password, and at start (a crash leaves the queue in the
/// database).
/// </summary>
internal sealed partial class PasswordHardener(IDatabase database, PasswordHasher hasher, HardeningPace pace, ILogger<PasswordHardener> logger) : BackgroundService
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
        using var worker = new IdleWorker();
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

    /// <summary>One background thread in the idle scheduling class (SCHED_IDLE on Linux).</summary>
    private sealed class IdleWorker : IDisposable
    {
        private readonly BlockingQueue _jobs = new();
        private readonly Thread _thread;

        public IdleWorker()
        {
            _thread = new Thread(Run) { IsBackground = true, Name = "Mailroom password hardener", Priority = ThreadPriority.Lowest };
            _thread.Start();
        }

        public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
        {
            var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            _jobs.Add(() =>
            {
                try
                {
                    completion.TrySetResult(work());
                }
                catch (Exception e)
                {
                    completion.TrySetException(e);
                }
            });
            return completion.Task.WaitAsync(cancellationToken);
        }

        public void Dispose()
        {
            _jobs.Complete();
            _thread.Join();
            _jobs.Dispose();
        }

        private void Run()
        {
            if (OperatingSystem.IsLinux())
            {
                // .NET does not map thread priorities to Linux. SCHED_IDLE is what makes the thread
                // give way at once: a waking request thread preempts it immediately, where a nice 19
                // thread may keep the CPU for the rest of its slice (hundreds of microseconds per
                // answer under EEVDF). Nice 19 remains the fallback where SCHED_IDLE is refused.
                var idle = new SchedulingParameters();
                if (SetScheduler(0, SchedIdle, ref idle) != 0)
                {
                    _ = SetPriority(0, (uint)GetThreadId(), 19);
                }
            }

            while (_jobs.Take() is { } job)
            {
                job();
            }
        }

        private const int SchedIdle = 5;

        [DllImport("libc", EntryPoint = "sched_setscheduler")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern int SetScheduler(int pid, int policy, ref SchedulingParameters parameters);

        [DllImport("libc", EntryPoint = "setpriority")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern int SetPriority(int which, uint who, int priority);

        [DllImport("libc", EntryPoint = "gettid")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern int GetThreadId();
    }

    // struct sched_param: the static priority, 0 for SCHED_IDLE.
    [StructLayout(LayoutKind.Sequential)]
    private struct SchedulingParameters
    {
        public int Priority;
    }

    private sealed class BlockingQueue : IDisposable
    {
        private readonly System.Collections.Concurrent.BlockingCollection<Action> _items = [];

        public void Add(Action item) => _items.Add(item);

        public Action? Take() => _items.TryTake(out var item, Timeout.Infinite) ? item : null;

        public void Complete() => _items.CompleteAdding();

        public void Dispose() => _items.Dispose();
    }
}
