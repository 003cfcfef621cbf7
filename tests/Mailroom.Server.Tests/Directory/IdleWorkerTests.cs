using System.Diagnostics;
using Mailroom.Server.Directory;
using Microsoft.Extensions.Time.Testing;

namespace Mailroom.Server.Tests.Directory;

public sealed class IdleWorkerTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly IdleWorker _worker;
    private readonly ManualResetEventSlim _release = new();

    public IdleWorkerTests() => _worker = new IdleWorker("idle worker test", _time);

    public void Dispose()
    {
        _release.Set();
        _worker.Dispose();
        _release.Dispose();
    }

    [Fact]
    public async Task AJobRunsOnTheIdleThread()
    {
        var thread = await _worker.RunAsync(() => Thread.CurrentThread.Name, TestContext.Current.CancellationToken);
        Assert.Equal("idle worker test", thread);
    }

    [Fact]
    public async Task AJobTheIdleThreadCannotStartInTimeRunsOnTheCallersThread()
    {
        // The first job keeps the idle thread from the second, as a CPU that never idles would.
        var blocking = OccupyTheIdleThreadAsync();

        var runs = 0;
        var starved = _worker.RunAsync(() => (Interlocked.Increment(ref runs), Thread.CurrentThread.Name), TestContext.Current.CancellationToken);
        _time.Advance(IdleWorker.StarvedAfter - TimeSpan.FromMilliseconds(1));
        Assert.False(starved.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var (run, thread) = await starved.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(1, run);
        Assert.NotEqual("idle worker test", thread);

        // Until the idle thread runs again, the next jobs do not wait for it.
        var next = await _worker.RunAsync(() => Thread.CurrentThread.Name, TestContext.Current.CancellationToken);
        Assert.NotEqual("idle worker test", next);

        // The idle thread, once free, does not run them a second time, and takes the jobs again.
        _release.Set();
        await blocking;
        var idleAgain = Stopwatch.StartNew();
        while (await _worker.RunAsync(() => Thread.CurrentThread.Name, TestContext.Current.CancellationToken) != "idle worker test")
        {
            // The jobs it skips are still ahead of it in the queue.
            Assert.True(idleAgain.Elapsed < TimeSpan.FromSeconds(10), "the idle thread takes the jobs again");
        }

        Assert.Equal(1, Volatile.Read(ref runs));
    }

    [Fact]
    public async Task AJobTheIdleThreadBeganButCannotFinishInTimeRunsOnTheCallersThreadToo()
    {
        using var started = new ManualResetEventSlim();
        var job = _worker.RunAsync(
            () =>
            {
                if (Thread.CurrentThread.Name != "idle worker test")
                {
                    return "caller";
                }

                // Begun on the idle thread, which then gets no CPU, as on a machine that never idles.
                started.Set();
                _release.Wait();
                return "idle";
            },
            TestContext.Current.CancellationToken);
        Assert.True(started.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.False(job.IsCompleted);

        _time.Advance(IdleWorker.StarvedAfter);
        Assert.Equal("caller", await job.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task DisposingDoesNotWaitForTheIdleThread()
    {
        var blocking = OccupyTheIdleThreadAsync();

        var disposing = Task.Run(_worker.Dispose, TestContext.Current.CancellationToken);
        await disposing.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.False(blocking.IsCompleted);
        _release.Set();
        await blocking;
    }

    // A job on the idle thread that lasts until the test ends or lets it go. Run again on the
    // caller's thread, once the caller stops waiting for the idle thread, it ends at once.
    private Task<int> OccupyTheIdleThreadAsync()
    {
        using var started = new ManualResetEventSlim();
        var job = _worker.RunAsync(
            () =>
            {
                if (Thread.CurrentThread.Name != "idle worker test")
                {
                    return 1;
                }

                started.Set();
                _release.Wait();
                return 0;
            },
            TestContext.Current.CancellationToken);
        Assert.True(started.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        return job;
    }

    [Fact]
    public async Task AFailingJobFailsItsCaller()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(
            () => _worker.RunAsync<int>(() => throw new InvalidOperationException("broken"), TestContext.Current.CancellationToken));
        Assert.Equal("broken", failure.Message);
    }
}
