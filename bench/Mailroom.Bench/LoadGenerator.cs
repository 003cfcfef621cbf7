using System.Diagnostics;
using System.Net;
using static Mailroom.Bench.Text;

namespace Mailroom.Bench;

/// <summary>
/// Drives a server with pre-encoded requests over keep-alive connections, one request in flight per
/// connection (closed loop), the same way for Mailroom and for the bare baseline.
/// </summary>
internal static class LoadGenerator
{
    // Each connection counts in its own cache line: no contention among the workers.
    private const int Stride = 16;

    /// <summary>
    /// Runs <paramref name="connections"/> connections that cycle through <paramref name="requests"/>
    /// for the warm-up, then counts answered calls for <paramref name="duration"/>.
    /// </summary>
    public static async Task<ThroughputResult> RunForDurationAsync(
        ServerProcess server,
        int connections,
        IReadOnlyList<byte[]> requests,
        ResponseCheck check,
        TimeSpan warmup,
        TimeSpan duration,
        CancellationToken cancellationToken)
    {
        var clients = await OpenAsync(server.EndPoint, connections, blocking: false, cancellationToken);
        var counts = new long[connections * Stride];
        var errors = new ErrorLog();
        var stop = 0;
        try
        {
            var workers = new Task[connections];
            for (var c = 0; c < connections; c++)
            {
                var index = c;
                workers[c] = Task.Run(
                    async () =>
                    {
                        var client = clients[index];
                        var next = index * requests.Count / connections;
                        while (Volatile.Read(ref stop) == 0)
                        {
                            var request = requests[next];
                            next = next + 1 == requests.Count ? 0 : next + 1;
                            if (await client.CallAsync(request, check, errors, cancellationToken))
                            {
                                Volatile.Write(ref counts[index * Stride], counts[index * Stride] + 1);
                            }
                        }
                    },
                    cancellationToken);
            }

            try
            {
                await Task.Delay(warmup, cancellationToken);
                var started = Stopwatch.GetTimestamp();
                var cpuBefore = server.CpuTime;
                var before = Sum(counts);
                var errorsBefore = errors.Count;
                await Task.Delay(duration, cancellationToken);
                var after = Sum(counts);
                var cpu = server.CpuTime - cpuBefore;
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                var errorsDuring = errors.Count - errorsBefore;
                return new ThroughputResult(after - before, seconds, cpu, errorsDuring, errors.Count, errors.Samples);
            }
            finally
            {
                Volatile.Write(ref stop, 1);
                await Task.WhenAll(workers);
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>
    /// Sends every request of every partition, each partition in order over its own connection,
    /// and times the whole. With <paramref name="progress"/>, reports the count once a second.
    /// A single partition is sent as ldapadd sends its entries, with blocking socket calls, so that
    /// the client's event loop and thread-pool hops are not timed with the server: its calls
    /// complete synchronously, and the whole loop holds one pool thread.
    /// </summary>
    public static async Task<BatchResult> RunBatchAsync(
        IPEndPoint endPoint,
        IReadOnlyList<IReadOnlyList<byte[]>> partitions,
        ResponseCheck check,
        string? progress,
        CancellationToken cancellationToken)
    {
        var blocking = partitions.Count == 1;
        var clients = await OpenAsync(endPoint, partitions.Count, blocking, cancellationToken);
        var counts = new long[partitions.Count * Stride];
        var errors = new ErrorLog();
        var total = partitions.Sum(p => (long)p.Count);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var workers = new Task[partitions.Count];
            for (var c = 0; c < partitions.Count; c++)
            {
                var index = c;
                workers[c] = Task.Run(
                    async () =>
                    {
                        var client = clients[index];
                        foreach (var request in partitions[index])
                        {
                            if (await client.CallAsync(request, check, errors, cancellationToken))
                            {
                                Volatile.Write(ref counts[index * Stride], counts[index * Stride] + 1);
                            }
                        }
                    },
                    cancellationToken);
            }

            var all = Task.WhenAll(workers);
            if (progress is not null)
            {
                await ReportProgressAsync(all, progress, counts, errors, total, started);
            }

            await all;
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            return new BatchResult(Sum(counts), total, seconds, errors.Count, errors.Samples);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>Sends one request <paramref name="runs"/> times, one after the other, and times each answer.</summary>
    public static async Task<LatencyResult> MeasureLatencyAsync(IPEndPoint endPoint, byte[] request, ResponseCheck check, int runs, CancellationToken cancellationToken)
    {
        using var client = await LoadClient.OpenAsync(endPoint, blocking: false, cancellationToken);
        var errors = new ErrorLog();
        var times = new List<TimeSpan>(runs);
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var ok = await client.CallAsync(request, check, errors, cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (ok)
            {
                times.Add(elapsed);
            }
        }

        return new LatencyResult(times, errors.Count, errors.Samples);
    }

    private static async Task ReportProgressAsync(Task work, string label, long[] counts, ErrorLog errors, long total, long started)
    {
        var interactive = !Console.IsOutputRedirected;
        var every = TimeSpan.FromSeconds(interactive ? 1 : 10);
        while (await Task.WhenAny(work, Task.Delay(every)) != work)
        {
            var done = Sum(counts);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var line = T(
                $"  {label}: {done:N0} / {total:N0} ({done / seconds:N0}/s, {errors.Count:N0} errors)",
                $"  {label}：{done:N0} / {total:N0}（{done / seconds:N0}/秒，{errors.Count:N0} 个错误）");
            if (interactive)
            {
                Console.Write("\r" + line + "   ");
            }
            else
            {
                Console.WriteLine(line);
            }
        }

        if (interactive)
        {
            Console.Write("\r" + new string(' ', 100) + "\r");
        }
    }

    private static async Task<LoadClient[]> OpenAsync(IPEndPoint endPoint, int connections, bool blocking, CancellationToken cancellationToken)
    {
        var clients = new List<LoadClient>(connections);
        try
        {
            for (var i = 0; i < connections; i++)
            {
                clients.Add(await LoadClient.OpenAsync(endPoint, blocking, cancellationToken));
            }

            return [.. clients];
        }
        catch
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }

            throw;
        }
    }

    private static long Sum(long[] counts)
    {
        long sum = 0;
        for (var i = 0; i < counts.Length; i += Stride)
        {
            sum += Volatile.Read(ref counts[i]);
        }

        return sum;
    }
}
