using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Mailroom.Server.Directory;

/// <summary>
/// Runs jobs one at a time on a background thread of the idle scheduling class (SCHED_IDLE on
/// Linux), so that they use idle CPU only. A job that thread has not finished within
/// <see cref="StarvedAfter"/> runs on the caller's thread instead, and so do the jobs after it
/// until the idle thread runs again: on a machine kept busy by other processes an idle thread may
/// get no CPU for minutes, before a job or in the middle of one, and the work must still get done.
/// So a job's work must be safe to run twice, even at once (a pure function): whichever run
/// finishes first gives the result.
/// </summary>
internal sealed class IdleWorker : IDisposable
{
    public static readonly TimeSpan StarvedAfter = TimeSpan.FromSeconds(1);

    private readonly BlockingCollection<Action> _jobs = [];
    private readonly Thread _thread;
    private readonly TimeProvider _time;

    // The last job waited StarvedAfter in vain, and the idle thread has not run since.
    private volatile bool _starved;

    public IdleWorker(string name, TimeProvider time)
    {
        _time = time;
        _thread = new Thread(Run) { IsBackground = true, Name = name, Priority = ThreadPriority.Lowest };
        _thread.Start();
    }

    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        var job = new Job<T>(work);
        // Queued even when starved: the idle thread reaching it, if only to skip it, ends the starving.
        _jobs.Add(job.Run, cancellationToken);
        if (!_starved)
        {
            try
            {
                return await job.Completion.WaitAsync(StarvedAfter, _time, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Not begun yet, or begun and then given no CPU: the idle thread may finish it
                // later, but nobody waits for that.
                _starved = true;
            }
        }

        job.Run();
        return await job.Completion;
    }

    /// <summary>
    /// Lets the thread end once the queue is empty, without waiting for it: on a busy machine it
    /// may get no CPU for a long time, and stopping the server must not wait for that. The queue
    /// is left to the collector, as the thread may still be reading it.
    /// </summary>
    public void Dispose() => _jobs.CompleteAdding();

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

        foreach (var job in _jobs.GetConsumingEnumerable())
        {
            _starved = false;
            job();
        }
    }

    /// <summary>A job's work and its result: the first run to finish gives it, later runs do nothing.</summary>
    private sealed class Job<T>(Func<T> work)
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Completion => _completion.Task;

        public void Run()
        {
            if (_completion.Task.IsCompleted)
            {
                return;
            }

            try
            {
                _completion.TrySetResult(work());
            }
            catch (Exception e)
            {
                _completion.TrySetException(e);
            }
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

    // struct sched_param: the static priority, 0 for SCHED_IDLE.
    [StructLayout(LayoutKind.Sequential)]
    private struct SchedulingParameters
    {
        public int Priority;
    }
}
