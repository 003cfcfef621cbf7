using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using static Mailroom.Bench.Text;

namespace Mailroom.Bench;

/// <summary>
/// The <c>listen</c> benchmark: memory per held listen, fan-out time from one change until every
/// held listen is answered, and server CPU per delivered answer in a closed loop, each for Mailroom
/// and for the bare Kestrel endpoint that holds requests on one TaskCompletionSource.
/// </summary>
internal sealed class ListenBenchmark(ListenBenchOptions options, string serverDll, Report report)
{
    private const double MaximumRatio = 1.2;

    // Two load-generator processes from two source addresses: a process may open 20,000 files, and
    // each source address has its own ephemeral ports.
    private static readonly IPAddress[] Sources = [IPAddress.Parse("127.0.0.2"), IPAddress.Parse("127.0.0.3")];
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private readonly string _runDir = Path.Combine(options.DataRoot, $"mailroom-listen-{Environment.ProcessId}-{MailroomApi.NewSecret()[..6]}");

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        PrintHeader();
        try
        {
            if (options.Parts.Contains("memory"))
            {
                foreach (var n in new[] { options.Clients, options.Top }.Distinct())
                {
                    await MemoryAsync(n, cancellationToken);
                }
            }

            if (options.Parts.Contains("fanout") || options.Parts.Contains("cpu"))
            {
                var results = new Dictionary<bool, (List<(int N, List<TimeSpan> Times, long Errors)> FanOut, (double Cpu, double PerSecond, long Errors)? Loop)>();
                foreach (var bare in new[] { true, false })
                {
                    await using var target = await StartAsync(bare, cancellationToken);
                    var fanOut = new List<(int, List<TimeSpan>, long)>();
                    if (options.Parts.Contains("fanout"))
                    {
                        foreach (var n in options.FanOut)
                        {
                            Console.WriteLine(T($"{target.Name}: fan-out to {n:N0} held listens, {options.Rounds} rounds…", $"{target.Name}：向 {n:N0} 个挂起的 listen 扇出，{options.Rounds} 轮…"));
                            fanOut.Add(await FanOutAsync(target, n, cancellationToken));
                        }
                    }

                    (double, double, long)? loop = null;
                    if (options.Parts.Contains("cpu"))
                    {
                        Console.WriteLine(T($"{target.Name}: closed loop with {options.Clients:N0} clients, {options.Seconds:0.#} s…", $"{target.Name}：{options.Clients:N0} 个客户端闭环，{options.Seconds:0.#} 秒…"));
                        loop = await ClosedLoopAsync(target, options.Clients, cancellationToken);
                    }

                    results[bare] = (fanOut, loop);
                }

                ReportFanOut(results[false].FanOut, results[true].FanOut);
                if (results[false].Loop is { } mine && results[true].Loop is { } theirs)
                {
                    report.Cost(
                        T($"server CPU per delivered answer, closed loop, {options.Clients:N0} clients", $"每次送达应答的服务器 CPU，闭环，{options.Clients:N0} 个客户端"),
                        mine.Cpu,
                        theirs.Cpu,
                        v => v.ToString("0.0", CultureInfo.InvariantCulture) + T(" µs", " 微秒"),
                        MaximumRatio,
                        mine.Errors + theirs.Errors,
                        T($"{mine.PerSecond:N0} vs bare {theirs.PerSecond:N0} answers/s", $"{mine.PerSecond:N0} 对比裸服务器 {theirs.PerSecond:N0} 应答/秒"));
                }
            }
        }
        finally
        {
            try
            {
                if (System.IO.Directory.Exists(_runDir))
                {
                    System.IO.Directory.Delete(_runDir, recursive: true);
                }
            }
            catch (IOException)
            {
                // Left for the temp cleaner.
            }
        }
    }

    private static async Task<List<LoadProcess>> StartLoadsAsync(ListenTarget target, int n, CancellationToken cancellationToken)
    {
        var loads = new List<LoadProcess>();
        try
        {
            var parts = n < 2 ? 1 : Sources.Length;
            for (var i = 0; i < parts; i++)
            {
                var share = (n * (i + 1) / parts) - (n * i / parts);
                loads.Add(await LoadProcess.StartAsync(target.Server.EndPoint, share, target.Path, target.Token, Sources[i], cancellationToken));
            }

            return loads;
        }
        catch
        {
            await DisposeAsync(loads);
            throw;
        }
    }

    private static async Task DisposeAsync(List<LoadProcess> loads)
    {
        foreach (var load in loads)
        {
            await load.DisposeAsync();
        }
    }

    private static Task<string[][]> AllAsync(List<LoadProcess> loads, string command, string answer, CancellationToken cancellationToken) =>
        Task.WhenAll(loads.Select(l => l.CallAsync(command, answer, Patience, cancellationToken)));

    private static Task<string[][]> ExpectAllAsync(List<LoadProcess> loads, string answer, CancellationToken cancellationToken) =>
        Task.WhenAll(loads.Select(l => l.ExpectAsync(answer, Patience, cancellationToken)));

    /// <summary>Waits until the server holds <paramref name="n"/> listens, polling every <paramref name="every"/>.</summary>
    private static async Task WaitHeldAsync(ListenTarget target, int n, TimeSpan every, bool progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var lastShown = 0L;
        while (true)
        {
            var held = await target.HeldAsync(cancellationToken);
            if (held == n)
            {
                if (progress && !Console.IsOutputRedirected)
                {
                    Console.Write("\r" + new string(' ', 60) + "\r");
                }

                return;
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed > Patience)
            {
                throw new InvalidOperationException(T($"{target.Name} holds {held:N0} listens, not {n:N0}, after {elapsed.TotalSeconds:0} s.", $"{target.Name} 挂起了 {held:N0} 个 listen，而不是 {n:N0}（{elapsed.TotalSeconds:0} 秒后）。"));
            }

            if (progress && !Console.IsOutputRedirected && held != lastShown)
            {
                Console.Write(T($"\r  held {held:N0} / {n:N0}   ", $"\r  已挂起 {held:N0} / {n:N0}   "));
                lastShown = held;
            }

            await Task.Delay(every, cancellationToken);
        }
    }

    private async Task<ListenTarget> StartAsync(bool bare, CancellationToken cancellationToken) =>
        bare
            ? await ListenTarget.StartBareAsync(cancellationToken)
            : await ListenTarget.StartMailroomAsync(serverDll, Path.Combine(_runDir, $"mailroom-{Guid.NewGuid():N}"), cancellationToken);

    /// <summary>Resident memory per held listen at <paramref name="n"/>, on a fresh server of each kind.</summary>
    private async Task MemoryAsync(int n, CancellationToken cancellationToken)
    {
        var perListen = new Dictionary<bool, double>();
        long errors = 0;
        var samples = new List<string>();
        foreach (var bare in new[] { true, false })
        {
            await using var target = await StartAsync(bare, cancellationToken);
            Console.WriteLine(T($"{target.Name}: memory with {n:N0} held listens…", $"{target.Name}：{n:N0} 个挂起 listen 的内存…"));

            // The code paths run (and are compiled) before the baseline is read.
            await WarmUpAsync(target, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var before = target.Server.ResidentBytes;

            var loads = await StartLoadsAsync(target, n, cancellationToken);
            try
            {
                var ver = await target.CurrentVerAsync(cancellationToken);
                await AllAsync(loads, $"send {ver}", "sent", cancellationToken);
                await WaitHeldAsync(target, n, TimeSpan.FromMilliseconds(100), progress: true, cancellationToken);
                long after = 0;
                for (var i = 0; i < 4; i++)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
                    after = Math.Max(after, target.Server.ResidentBytes);
                }

                perListen[bare] = (double)(after - before) / n;
                Console.WriteLine(T(
                    $"  {target.Name}: {before / 1048576.0:0.0} MiB → {after / 1048576.0:0.0} MiB with {n:N0} held: {perListen[bare] / 1024:0.00} KiB each",
                    $"  {target.Name}：{before / 1048576.0:0.0} MiB → {after / 1048576.0:0.0} MiB（挂起 {n:N0} 个）：每个 {perListen[bare] / 1024:0.00} KiB"));

                foreach (var load in loads)
                {
                    await load.SendAsync("wait");
                }

                await target.TriggerAsync(cancellationToken);
                foreach (var answered in await ExpectAllAsync(loads, "answered", cancellationToken))
                {
                    var failed = long.Parse(answered[2], CultureInfo.InvariantCulture);
                    errors += failed;
                    if (failed > 0)
                    {
                        samples.Add($"{target.Name}: {string.Join(' ', answered.Skip(3))}");
                    }
                }
            }
            finally
            {
                await DisposeAsync(loads);
            }
        }

        report.Cost(
            T($"memory per held listen, {n:N0} held", $"每个挂起 listen 的内存，挂起 {n:N0} 个"),
            perListen[false],
            perListen[true],
            v => (v / 1024).ToString("0.00", CultureInfo.InvariantCulture) + " KiB",
            MaximumRatio,
            errors,
            T("resident memory growth ÷ held listens; every listen then answered", "常驻内存增量 ÷ 挂起数；之后每个 listen 都得到应答"),
            samples);
    }

    private static readonly TimeSpan ClosedLoopWarmUp = TimeSpan.FromSeconds(25);
    private static readonly TimeSpan FanOutWarmUp = TimeSpan.FromSeconds(15);

    private static async Task WarmUpAsync(ListenTarget target, CancellationToken cancellationToken)
    {
        var loads = await StartLoadsAsync(target, 200, cancellationToken);
        try
        {
            var ver = await target.CurrentVerAsync(cancellationToken);
            await AllAsync(loads, $"send {ver}", "sent", cancellationToken);
            for (var round = 0; round < 5; round++)
            {
                if (round > 0)
                {
                    await AllAsync(loads, "resend", "sent", cancellationToken);
                }

                await WaitHeldAsync(target, 200, TimeSpan.FromMilliseconds(2), progress: false, cancellationToken);
                foreach (var load in loads)
                {
                    await load.SendAsync("wait");
                }

                await target.TriggerAsync(cancellationToken);
                await ExpectAllAsync(loads, "answered", cancellationToken);
            }
        }
        finally
        {
            await DisposeAsync(loads);
        }
    }

    /// <summary>Rounds of: every listen held, one change, time until the last of them is answered.</summary>
    private async Task<(int N, List<TimeSpan> Times, long Errors)> FanOutAsync(ListenTarget target, int n, CancellationToken cancellationToken)
    {
        var times = new List<TimeSpan>();
        long errors = 0;
        var loads = await StartLoadsAsync(target, n, cancellationToken);
        try
        {
            var ver = await target.CurrentVerAsync(cancellationToken);
            await AllAsync(loads, $"send {ver}", "sent", cancellationToken);

            // Rounds warm up, uncounted, until the JIT has settled (as in the closed loop): at least
            // three, and for at least FanOutWarmUp.
            var warming = Stopwatch.GetTimestamp();
            var warmUpRounds = 0;
            for (var round = 0; times.Count < options.Rounds; round++)
            {
                if (round > 0)
                {
                    await AllAsync(loads, "resend", "sent", cancellationToken);
                }

                await WaitHeldAsync(target, n, TimeSpan.FromMilliseconds(5), progress: false, cancellationToken);
                foreach (var load in loads)
                {
                    await load.SendAsync("wait");
                }

                var started = Stopwatch.GetTimestamp();
                await target.TriggerAsync(cancellationToken);
                var answered = await ExpectAllAsync(loads, "answered", cancellationToken);
                errors += answered.Sum(a => long.Parse(a[2], CultureInfo.InvariantCulture));
                var last = answered.Max(a => long.Parse(a[1], CultureInfo.InvariantCulture));
                if (warmUpRounds >= 3 && Stopwatch.GetElapsedTime(warming) >= FanOutWarmUp)
                {
                    times.Add(Stopwatch.GetElapsedTime(started, last));
                }
                else
                {
                    warmUpRounds++;
                }
            }
        }
        finally
        {
            await DisposeAsync(loads);
        }

        var sorted = times.Order().ToList();
        Console.WriteLine(T(
            $"  {target.Name}, {n:N0}: p50 {Report.Time(Percentile(sorted, 0.5))}, p99 {Report.Time(Percentile(sorted, 0.99))}, max {Report.Time(sorted[^1])}",
            $"  {target.Name}，{n:N0}：p50 {Report.Time(Percentile(sorted, 0.5))}，p99 {Report.Time(Percentile(sorted, 0.99))}，最大 {Report.Time(sorted[^1])}"));
        return (n, times, errors);
    }

    /// <summary>
    /// Every answered client listens again at once; a change is made as soon as all of them are held
    /// again. Server CPU over the measured rounds ÷ answers delivered in them.
    /// </summary>
    private async Task<(double Cpu, double PerSecond, long Errors)> ClosedLoopAsync(ListenTarget target, int n, CancellationToken cancellationToken)
    {
        var loads = await StartLoadsAsync(target, n, cancellationToken);
        try
        {
            var ver = await target.CurrentVerAsync(cancellationToken);
            await AllAsync(loads, $"send {ver}", "sent", cancellationToken);
            await WaitHeldAsync(target, n, TimeSpan.FromMilliseconds(10), progress: false, cancellationToken);
            foreach (var load in loads)
            {
                await load.SendAsync("loop");
            }

            async Task RoundAsync()
            {
                await target.TriggerAsync(cancellationToken);
                await ExpectAllAsync(loads, "round", cancellationToken);
                // Asking how many are held costs the server CPU too (Mailroom's answer is the whole
                // /metrics text): ask seldom, so the figure is the answers' cost, not the probe's.
                await WaitHeldAsync(target, n, TimeSpan.FromMilliseconds(25), progress: false, cancellationToken);
            }

            // Warm-up until the JIT has settled (tiered compilation recompiles hot code for a few
            // seconds after start): the figure is the steady state, for both servers alike.
            var warming = Stopwatch.GetTimestamp();
            for (var i = 0; i < 3 || Stopwatch.GetElapsedTime(warming) < ClosedLoopWarmUp; i++)
            {
                await RoundAsync();
            }

            var cpuBefore = target.Server.CpuTime;
            var started = Stopwatch.GetTimestamp();
            var rounds = 0;
            while (Stopwatch.GetElapsedTime(started).TotalSeconds < options.Seconds)
            {
                await RoundAsync();
                rounds++;
            }

            var cpu = target.Server.CpuTime - cpuBefore;
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var answers = (long)rounds * n;

            foreach (var load in loads)
            {
                await load.SendAsync("stop");
            }

            // A client may have listened again just after the last change: changes go on until every client has stopped.
            var stopping = ExpectAllAsync(loads, "stopped", cancellationToken);
            while (!stopping.IsCompleted)
            {
                await target.TriggerAsync(cancellationToken);
                await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken));
            }

            var stopped = await stopping;
            var counted = stopped.Sum(s => long.Parse(s[1], CultureInfo.InvariantCulture));
            var errors = stopped.Sum(s => long.Parse(s[2], CultureInfo.InvariantCulture)) + (counted < (rounds + 3L) * n ? 1 : 0);
            var perAnswer = cpu.TotalMicroseconds / answers;
            Console.WriteLine(T(
                $"  {target.Name}: {rounds} rounds, {answers:N0} answers in {seconds:0.0} s ({answers / seconds:N0}/s), server CPU {cpu.TotalSeconds:0.00} s = {perAnswer:0.0} µs per answer",
                $"  {target.Name}：{rounds} 轮，{seconds:0.0} 秒内 {answers:N0} 个应答（{answers / seconds:N0}/秒），服务器 CPU {cpu.TotalSeconds:0.00} 秒 = 每个应答 {perAnswer:0.0} 微秒"));
            return (perAnswer, answers / seconds, errors);
        }
        finally
        {
            await DisposeAsync(loads);
        }
    }

    private static TimeSpan Percentile(List<TimeSpan> sorted, double p)
    {
        // Linear between the closest ranks; with 20 rounds p99 lies between the two slowest.
        var rank = p * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = Math.Min(low + 1, sorted.Count - 1);
        return sorted[low] + ((sorted[high] - sorted[low]) * (rank - low));
    }

    private void ReportFanOut(List<(int N, List<TimeSpan> Times, long Errors)> mailroom, List<(int N, List<TimeSpan> Times, long Errors)> bare)
    {
        foreach (var (n, times, errors) in mailroom)
        {
            var theirs = bare.Single(b => b.N == n);
            var mine = times.Order().ToList();
            var base_ = theirs.Times.Order().ToList();
            report.Cost(
                T($"fan-out p99, {n:N0} held listens, {options.Rounds} rounds", $"扇出 p99，挂起 {n:N0} 个，{options.Rounds} 轮"),
                Percentile(mine, 0.99).TotalMilliseconds,
                Percentile(base_, 0.99).TotalMilliseconds,
                v => v.ToString(v >= 10 ? "0" : "0.0", CultureInfo.InvariantCulture) + " ms",
                MaximumRatio,
                errors + theirs.Errors,
                T(
                    $"p50 {Report.Time(Percentile(mine, 0.5))} vs {Report.Time(Percentile(base_, 0.5))}; max {Report.Time(mine[^1])} vs {Report.Time(base_[^1])}",
                    $"p50 {Report.Time(Percentile(mine, 0.5))} 对比 {Report.Time(Percentile(base_, 0.5))}；最大 {Report.Time(mine[^1])} 对比 {Report.Time(base_[^1])}"));
        }
    }

    private void PrintHeader()
    {
        Console.WriteLine(T("Mailroom listen benchmark", "Mailroom listen 基准测试"));
        Console.WriteLine($"  {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz}  {RuntimeInformation.OSDescription}  {RuntimeInformation.FrameworkDescription}  {Environment.ProcessorCount} CPU");
        Console.WriteLine(T(
            $"  memory at {options.Clients:N0} and {options.Top:N0} held; fan-out to {string.Join(", ", options.FanOut.Select(n => n.ToString("N0", CultureInfo.InvariantCulture)))} over {options.Rounds} rounds; closed loop of {options.Clients:N0} for {options.Seconds:0.#} s",
            $"  内存：挂起 {options.Clients:N0} 与 {options.Top:N0} 个；扇出：{string.Join("、", options.FanOut.Select(n => n.ToString("N0", CultureInfo.InvariantCulture)))}，各 {options.Rounds} 轮；闭环：{options.Clients:N0} 个，{options.Seconds:0.#} 秒"));
        Console.WriteLine(T(
            "  load: two listen-load processes (127.0.0.2, 127.0.0.3); Mailroom with Durability=Normal, one client holding every listen",
            "  负载：两个 listen-load 进程（127.0.0.2、127.0.0.3）；Mailroom 使用 Durability=Normal，所有 listen 属于同一个客户端"));
        Console.WriteLine();
    }
}
