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

            if (options.Parts.Contains("fanout"))
            {
                foreach (var n in options.FanOut)
                {
                    ReportFanOut(n, await FanOutsAsync(n, cancellationToken));
                }
            }

            if (options.Parts.Contains("cpu"))
            {
                var loop = await ClosedLoopsAsync(cancellationToken);
                report.Cost(
                    T($"server CPU per delivered answer, closed loop, {options.Clients:N0} clients", $"每次送达应答的服务器 CPU，闭环，{options.Clients:N0} 个客户端"),
                    loop.Mine,
                    loop.Theirs,
                    v => v.ToString("0.0", CultureInfo.InvariantCulture) + T(" µs", " 微秒"),
                    MaximumRatio,
                    loop.Errors,
                    T(
                        $"ratio per window pair {loop.Windows}; {loop.MinePerSecond:N0} vs bare {loop.TheirsPerSecond:N0} answers/s",
                        $"各组比值 {loop.Windows}；{loop.MinePerSecond:N0} 对比裸服务器 {loop.TheirsPerSecond:N0} 应答/秒"));
            }
        }
        finally
        {
            RunDirectory.TryDelete(_runDir);
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

    // Measured windows of each server in the closed loop, alternating which goes first.
    private const int ClosedLoopPairs = 3;
    private static readonly TimeSpan FanOutWarmUp = TimeSpan.FromSeconds(15);

    // Five fan-out rounds to 200 listens, uncounted.
    private static async Task WarmUpAsync(ListenTarget target, CancellationToken cancellationToken)
    {
        await using var warm = await FanOut.StartAsync(target, 200, cancellationToken);
        for (var round = 0; round < 5; round++)
        {
            await warm.RoundAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Fan-out to <paramref name="n"/> held listens on both servers at once: each holds its own
    /// clients, and rounds alternate between them (bare then Mailroom, Mailroom then bare, …), so
    /// that what the shared machine does meanwhile weighs on both alike.
    /// </summary>
    private async Task<(List<TimeSpan> Mine, List<TimeSpan> Theirs, long Errors)> FanOutsAsync(int n, CancellationToken cancellationToken)
    {
        Console.WriteLine(T($"fan-out to {n:N0} held listens on both servers, {options.Rounds} rounds each, alternating…", $"在两个服务器上向 {n:N0} 个挂起的 listen 扇出，各 {options.Rounds} 轮，交替进行…"));
        await using var bare = await StartAsync(bare: true, cancellationToken);
        await using var mailroom = await StartAsync(bare: false, cancellationToken);
        await using var theirs = await FanOut.StartAsync(bare, n, cancellationToken);
        await using var mine = await FanOut.StartAsync(mailroom, n, cancellationToken);

        // Rounds warm up, uncounted, until the JIT has settled (as in the closed loop): at least
        // three, and for at least FanOutWarmUp.
        var warming = Stopwatch.GetTimestamp();
        for (var round = 0; round < 3 || Stopwatch.GetElapsedTime(warming) < FanOutWarmUp; round++)
        {
            await theirs.RoundAsync(cancellationToken);
            await mine.RoundAsync(cancellationToken);
        }

        var (timesOfMine, timesOfTheirs) = (new List<TimeSpan>(), new List<TimeSpan>());
        for (var round = 0; round < options.Rounds; round++)
        {
            if (round % 2 == 0)
            {
                timesOfTheirs.Add(await theirs.RoundAsync(cancellationToken));
                timesOfMine.Add(await mine.RoundAsync(cancellationToken));
            }
            else
            {
                timesOfMine.Add(await mine.RoundAsync(cancellationToken));
                timesOfTheirs.Add(await theirs.RoundAsync(cancellationToken));
            }
        }

        foreach (var (name, times) in new[] { (bare.Name, timesOfTheirs), (mailroom.Name, timesOfMine) })
        {
            var sorted = times.Order().ToList();
            Console.WriteLine(T(
                $"  {name}, {n:N0}: p50 {Report.Time(Percentile(sorted, 0.5))}, p99 {Report.Time(Percentile(sorted, 0.99))}, max {Report.Time(sorted[^1])}",
                $"  {name}，{n:N0}：p50 {Report.Time(Percentile(sorted, 0.5))}，p99 {Report.Time(Percentile(sorted, 0.99))}，最大 {Report.Time(sorted[^1])}"));
        }

        return (timesOfMine, timesOfTheirs, theirs.Errors + mine.Errors);
    }

    /// <summary>One server's fan-out rounds: every listen held, one change, time until the last of them is answered.</summary>
    private sealed class FanOut(ListenTarget target, List<LoadProcess> loads, int n) : LoadedServer(target, loads, n)
    {
        private bool _sent;

        public long Errors { get; private set; }

        public static async Task<FanOut> StartAsync(ListenTarget target, int n, CancellationToken cancellationToken) =>
            new(target, await StartLoadsAsync(target, n, cancellationToken), n);

        public async Task<TimeSpan> RoundAsync(CancellationToken cancellationToken)
        {
            if (_sent)
            {
                await AllAsync(Loads, "resend", "sent", cancellationToken);
            }
            else
            {
                var ver = await Target.CurrentVerAsync(cancellationToken);
                await AllAsync(Loads, $"send {ver}", "sent", cancellationToken);
                _sent = true;
            }

            await WaitHeldAsync(Target, N, TimeSpan.FromMilliseconds(5), progress: false, cancellationToken);
            foreach (var load in Loads)
            {
                await load.SendAsync("wait");
            }

            var started = Stopwatch.GetTimestamp();
            await Target.TriggerAsync(cancellationToken);
            var answered = await ExpectAllAsync(Loads, "answered", cancellationToken);
            Errors += answered.Sum(a => long.Parse(a[2], CultureInfo.InvariantCulture));
            var last = answered.Max(a => long.Parse(a[1], CultureInfo.InvariantCulture));
            return Stopwatch.GetElapsedTime(started, last);
        }
    }

    /// <summary>One server with its load processes and their <see cref="N"/> clients; disposing ends the load processes.</summary>
    private abstract class LoadedServer(ListenTarget target, List<LoadProcess> loads, int n) : IAsyncDisposable
    {
        public string Name => Target.Name;

        protected ListenTarget Target { get; } = target;

        protected List<LoadProcess> Loads { get; } = loads;

        protected int N { get; } = n;

        public ValueTask DisposeAsync() => new(ListenBenchmark.DisposeAsync(Loads));
    }

    /// <summary>
    /// Server CPU per delivered answer, in a closed loop on both servers at once: both hold their
    /// clients' listens all along, and measured windows alternate between them (bare, Mailroom;
    /// Mailroom, bare; …), so that what the shared machine does meanwhile weighs on both alike.
    /// </summary>
    private async Task<(double Mine, double Theirs, double MinePerSecond, double TheirsPerSecond, long Errors, string Windows)> ClosedLoopsAsync(CancellationToken cancellationToken)
    {
        await using var bare = await StartAsync(bare: true, cancellationToken);
        await using var mailroom = await StartAsync(bare: false, cancellationToken);
        await using var theirs = await ClosedLoop.StartAsync(bare, options.Clients, cancellationToken);
        await using var mine = await ClosedLoop.StartAsync(mailroom, options.Clients, cancellationToken);

        // Warm-up until the JIT has settled (tiered compilation recompiles hot code for a few
        // seconds after start): the figure is the steady state, for both servers alike.
        Console.WriteLine(T($"  warming up both for {ClosedLoopWarmUp.TotalSeconds:0} s…", $"  两者各预热 {ClosedLoopWarmUp.TotalSeconds:0} 秒…"));
        await theirs.MeasureAsync(ClosedLoopWarmUp, cancellationToken);
        await mine.MeasureAsync(ClosedLoopWarmUp, cancellationToken);

        var ratios = new List<string>();
        var window = TimeSpan.FromSeconds(options.Seconds);
        for (var pair = 0; pair < ClosedLoopPairs; pair++)
        {
            var (first, second) = pair % 2 == 0 ? (theirs, mine) : (mine, theirs);
            await first.MeasureAsync(window, cancellationToken);
            await second.MeasureAsync(window, cancellationToken);
            ratios.Add((mine.LastPerAnswer / theirs.LastPerAnswer).ToString("0.00", CultureInfo.InvariantCulture));
            Console.WriteLine(T(
                $"  window {pair + 1}: bare {theirs.LastPerAnswer:0.0} µs, Mailroom {mine.LastPerAnswer:0.0} µs per answer",
                $"  第 {pair + 1} 组：裸服务器每个应答 {theirs.LastPerAnswer:0.0} 微秒，Mailroom {mine.LastPerAnswer:0.0} 微秒"));
        }

        var errors = await theirs.StopAsync(cancellationToken) + await mine.StopAsync(cancellationToken);
        foreach (var loop in new[] { theirs, mine })
        {
            Console.WriteLine(T(
                $"  {loop.Name}: {loop.Answers:N0} answers in {loop.Seconds:0.0} s ({loop.PerSecond:N0}/s), server CPU {loop.Cpu.TotalSeconds:0.00} s = {loop.PerAnswer:0.0} µs per answer",
                $"  {loop.Name}：{loop.Seconds:0.0} 秒内 {loop.Answers:N0} 个应答（{loop.PerSecond:N0}/秒），服务器 CPU {loop.Cpu.TotalSeconds:0.00} 秒 = 每个应答 {loop.PerAnswer:0.0} 微秒"));
        }

        return (mine.PerAnswer, theirs.PerAnswer, mine.PerSecond, theirs.PerSecond, errors, string.Join(" / ", ratios));
    }

    /// <summary>
    /// One server's closed loop: every answered client listens again at once, and a change is made
    /// as soon as all of them are held again. Counts server CPU and answers over measured windows.
    /// </summary>
    private sealed class ClosedLoop(ListenTarget target, List<LoadProcess> loads, int n) : LoadedServer(target, loads, n)
    {
        private long _rounds;

        /// <summary>Over the measured windows (not the warm-up).</summary>
        public TimeSpan Cpu { get; private set; }

        public long Answers { get; private set; }

        public double Seconds { get; private set; }

        public double PerAnswer => Answers == 0 ? 0 : Cpu.TotalMicroseconds / Answers;

        public double PerSecond => Seconds == 0 ? 0 : Answers / Seconds;

        /// <summary>CPU per answer in the last window.</summary>
        public double LastPerAnswer { get; private set; }

        public static async Task<ClosedLoop> StartAsync(ListenTarget target, int n, CancellationToken cancellationToken)
        {
            Console.WriteLine(T($"{target.Name}: closed loop with {n:N0} clients…", $"{target.Name}：{n:N0} 个客户端闭环…"));
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

                return new ClosedLoop(target, loads, n);
            }
            catch
            {
                await ListenBenchmark.DisposeAsync(loads);
                throw;
            }
        }

        /// <summary>At least three rounds, and rounds until <paramref name="duration"/> has passed; the first call is the warm-up.</summary>
        public async Task MeasureAsync(TimeSpan duration, CancellationToken cancellationToken)
        {
            var warmUp = _rounds == 0;
            var cpuBefore = Target.Server.CpuTime;
            var started = Stopwatch.GetTimestamp();
            var rounds = 0;
            while (rounds < 3 || Stopwatch.GetElapsedTime(started) < duration)
            {
                await RoundAsync(cancellationToken);
                rounds++;
            }

            _rounds += rounds;
            if (!warmUp)
            {
                var cpu = Target.Server.CpuTime - cpuBefore;
                Cpu += cpu;
                Answers += (long)rounds * N;
                Seconds += Stopwatch.GetElapsedTime(started).TotalSeconds;
                LastPerAnswer = cpu.TotalMicroseconds / ((long)rounds * N);
            }
        }

        /// <summary>Ends the loop; the number of errors the clients saw (and 1 if answers went missing).</summary>
        public async Task<long> StopAsync(CancellationToken cancellationToken)
        {
            foreach (var load in Loads)
            {
                await load.SendAsync("stop");
            }

            // A client may have listened again just after the last change: changes go on until every client has stopped.
            var stopping = ExpectAllAsync(Loads, "stopped", cancellationToken);
            while (!stopping.IsCompleted)
            {
                await Target.TriggerAsync(cancellationToken);
                await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken));
            }

            var stopped = await stopping;
            var counted = stopped.Sum(s => long.Parse(s[1], CultureInfo.InvariantCulture));
            return stopped.Sum(s => long.Parse(s[2], CultureInfo.InvariantCulture)) + (counted < _rounds * N ? 1 : 0);
        }

        private async Task RoundAsync(CancellationToken cancellationToken)
        {
            await Target.TriggerAsync(cancellationToken);
            await ExpectAllAsync(Loads, "round", cancellationToken);
            // Asking how many are held costs the server CPU too (Mailroom's answer is the whole
            // /metrics text): ask seldom, so the figure is the answers' cost, not the probe's.
            await WaitHeldAsync(Target, N, TimeSpan.FromMilliseconds(25), progress: false, cancellationToken);
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

    private void ReportFanOut(int n, (List<TimeSpan> Mine, List<TimeSpan> Theirs, long Errors) fanOut)
    {
        var mine = fanOut.Mine.Order().ToList();
        var base_ = fanOut.Theirs.Order().ToList();
        report.Cost(
            T($"fan-out p99, {n:N0} held listens, {options.Rounds} rounds", $"扇出 p99，挂起 {n:N0} 个，{options.Rounds} 轮"),
            Percentile(mine, 0.99).TotalMilliseconds,
            Percentile(base_, 0.99).TotalMilliseconds,
            v => v.ToString(v >= 10 ? "0" : "0.0", CultureInfo.InvariantCulture) + " ms",
            MaximumRatio,
            fanOut.Errors,
            T(
                $"p50 {Report.Time(Percentile(mine, 0.5))} vs {Report.Time(Percentile(base_, 0.5))}; max {Report.Time(mine[^1])} vs {Report.Time(base_[^1])}",
                $"p50 {Report.Time(Percentile(mine, 0.5))} 对比 {Report.Time(Percentile(base_, 0.5))}；最大 {Report.Time(mine[^1])} 对比 {Report.Time(base_[^1])}"));
    }

    private void PrintHeader()
    {
        Console.WriteLine(T("Mailroom listen benchmark", "Mailroom listen 基准测试"));
        Console.WriteLine($"  {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz}  {RuntimeInformation.OSDescription}  {RuntimeInformation.FrameworkDescription}  {Environment.ProcessorCount} CPU");
        Console.WriteLine(T(
            $"  memory at {options.Clients:N0} and {options.Top:N0} held; fan-out to {string.Join(", ", options.FanOut.Select(n => n.ToString("N0", CultureInfo.InvariantCulture)))} over {options.Rounds} rounds per server, alternating; closed loop of {options.Clients:N0} on both servers, {ClosedLoopPairs} windows of {options.Seconds:0.#} s each, alternating",
            $"  内存：挂起 {options.Clients:N0} 与 {options.Top:N0} 个；扇出：{string.Join("、", options.FanOut.Select(n => n.ToString("N0", CultureInfo.InvariantCulture)))}，每个服务器各 {options.Rounds} 轮，交替进行；闭环：两个服务器各 {options.Clients:N0} 个，交替测量 {ClosedLoopPairs} 组、每组 {options.Seconds:0.#} 秒"));
        Console.WriteLine(T(
            "  load: two listen-load processes (127.0.0.2, 127.0.0.3); Mailroom with Durability=Normal, one client holding every listen",
            "  负载：两个 listen-load 进程（127.0.0.2、127.0.0.3）；Mailroom 使用 Durability=Normal，所有 listen 属于同一个客户端"));
        Console.WriteLine();
    }
}
