using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using static Mailroom.Bench.Text;

namespace Mailroom.Bench;

/// <summary>
/// The <c>directory</c> benchmark: user/get and token throughput against a bare Kestrel baseline,
/// user/sync rates in both durability settings, and user/list times on a large enterprise.
/// </summary>
internal sealed class DirectoryBenchmark(BenchOptions options, string serverDll, Report report)
{
    private const string UserSyncPath = "/openapi/user/sync";

    // Long enough for tiered compilation to settle on the write path (a few thousand calls).
    private static readonly TimeSpan SyncWarmUp = TimeSpan.FromSeconds(6);

    // The issue's target is slapd's rate in the same durability; slapd is measured in the same run.
    // Without slapd, its rates on the issue's reference machine stand in (per call, one connection).
    private static readonly (string Durability, double Adds, double Mods)[] SyncTargets = [("Full", 450, 1_100), ("Normal", 3_700, 7_000)];

    private readonly string _runDir = Path.Combine(options.DataRoot, $"mailroom-bench-{Environment.ProcessId}-{MailroomApi.NewSecret()[..6]}");
    private readonly string _secret = MailroomApi.NewSecret();
    private TimeSpan Warmup => TimeSpan.FromSeconds(options.Warmup);
    private TimeSpan Duration => TimeSpan.FromSeconds(options.Seconds);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        PrintHeader();
        try
        {
            await using var bare = await ServerProcess.StartBareAsync(cancellationToken);
            Console.WriteLine(T($"Bare Kestrel baseline on {bare.EndPoint}", $"裸 Kestrel 基线：{bare.EndPoint}"));

            if (options.Parts.Contains("sync"))
            {
                foreach (var (durability, _, _) in SyncTargets)
                {
                    await RunSyncRoundsAsync(bare, durability, cancellationToken);
                }

                await using var full = await StartMailroomAsync("mailroom-full", "Full", cancellationToken);
                var session = await ConnectAsync(full, cancellationToken);
                await RunSyncAsync(bare, session, "Full", cancellationToken);
            }

            if (options.Parts.Contains("sync") || options.Parts.Contains("get") || options.Parts.Contains("token"))
            {
                await using var normal = await StartMailroomAsync("mailroom-normal", "Normal", cancellationToken);
                var session = await ConnectAsync(normal, cancellationToken);
                var members = options.Parts.Contains("sync") ? await RunSyncAsync(bare, session, "Normal", cancellationToken) : [];
                if (options.Parts.Contains("get"))
                {
                    await RunUserGetAsync(bare, session, members, cancellationToken);
                }

                if (options.Parts.Contains("token"))
                {
                    await RunTokenAsync(bare, session, cancellationToken);
                }
            }

            if (options.Parts.Contains("list"))
            {
                await using var listServer = await StartMailroomAsync("mailroom-list", "Normal", cancellationToken);
                var session = await ConnectAsync(listServer, cancellationToken);
                await RunUserListAsync(session, cancellationToken);
            }
        }
        finally
        {
            RunDirectory.TryDelete(_runDir);
        }
    }

    private static Task<BatchResult> BatchAsync(IPEndPoint endPoint, IReadOnlyList<byte[]> requests, int connections, ResponseCheck check, string? progress, CancellationToken cancellationToken) =>
        LoadGenerator.RunBatchAsync(endPoint, Partition(requests, connections), check, progress, cancellationToken);

    // Contiguous slices, so a member's MOD goes over the same connection as its ADD did.
    private static List<IReadOnlyList<byte[]>> Partition(IReadOnlyList<byte[]> requests, int connections)
    {
        connections = Math.Max(1, Math.Min(connections, requests.Count));
        var slices = new List<IReadOnlyList<byte[]>>(connections);
        for (var c = 0; c < connections; c++)
        {
            var from = (int)((long)requests.Count * c / connections);
            var to = (int)((long)requests.Count * (c + 1) / connections);
            slices.Add([.. requests.Skip(from).Take(to - from)]);
        }

        return slices;
    }

    private static string Connections(int n) => n == 1 ? T("1 connection", "1 个连接") : T($"{n} connections", $"{n} 个连接");

    private static string FileSystemOf(string path)
    {
        // Full durability means nothing on tmpfs: say where the data lives.
        try
        {
            var best = ("", "?");
            foreach (var line in File.ReadLines("/proc/mounts"))
            {
                var fields = line.Split(' ');
                if (fields.Length > 2 && path.StartsWith(fields[1], StringComparison.Ordinal) && fields[1].Length >= best.Item1.Length)
                {
                    best = (fields[1], fields[2]);
                }
            }

            return best.Item2;
        }
        catch (IOException)
        {
            return "?";
        }
        catch (UnauthorizedAccessException)
        {
            return "?";
        }
    }

    private void PrintHeader()
    {
        Console.WriteLine(T("Mailroom directory benchmark", "Mailroom 通讯录基准测试"));
        Console.WriteLine($"  {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz}  {RuntimeInformation.OSDescription}  {RuntimeInformation.FrameworkDescription}  {Environment.ProcessorCount} CPU");
        Console.WriteLine(T(
            $"  throughput runs: {options.Warmup:0.#} s warm-up + {options.Seconds:0.#} s measured; user/sync {options.Members:N0} members; user/list on {options.ListMembers:N0} members",
            $"  吞吐量测量：预热 {options.Warmup:0.#} 秒 + 计时 {options.Seconds:0.#} 秒；user/sync {options.Members:N0} 个成员；user/list 于 {options.ListMembers:N0} 个成员"));
        System.IO.Directory.CreateDirectory(_runDir);
        var fileSystem = FileSystemOf(_runDir);
        Console.WriteLine(T($"  data: {_runDir} ({fileSystem})", $"  数据目录：{_runDir}（{fileSystem}）"));
        if (fileSystem is "tmpfs" or "ramfs")
        {
            Console.WriteLine(T(
                "  WARNING: the data directory is in memory; Full durability figures are meaningless. Use --data-dir on a disk.",
                "  警告：数据目录位于内存中，Full 持久性的数据没有意义。请用 --data-dir 指定磁盘上的目录。"));
        }

        Console.WriteLine();
    }

    private Task<ServerProcess> StartMailroomAsync(string name, string durability, CancellationToken cancellationToken)
    {
        Console.WriteLine();
        Console.WriteLine(T($"Starting {name} (Durability={durability})…", $"正在启动 {name}（Durability={durability}）…"));
        return ServerProcess.StartMailroomAsync(name, serverDll, Path.Combine(_runDir, name), durability, _secret, cancellationToken);
    }

    private async Task<MailroomSession> ConnectAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        var token = await MailroomApi.WaitForTokenAsync(server.EndPoint, _secret, cancellationToken);
        var session = new MailroomSession(server, token);

        // What this build of the server serves: the parts that need a missing endpoint are reported as not run.
        var sync = await MailroomApi.CallOnceAsync(server.EndPoint, MailroomApi.UserAdd(token, MailroomApi.Address("probe", 0), 0, null), cancellationToken);
        session.UserSync = sync.Response.Status == 200 && sync.Response.ContentLength == 0
            ? null
            : T($"{UserSyncPath} answers HTTP {sync.Response.Status} {sync.Head}", $"{UserSyncPath} 返回 HTTP {sync.Response.Status} {sync.Head}");
        var list = await MailroomApi.CallOnceAsync(server.EndPoint, MailroomApi.UserList(token, 0), cancellationToken);
        session.UserList = list.Response.Status == 200 && MailroomApi.ReadListHeader(System.Text.Encoding.UTF8.GetBytes(list.Head)) is not null
            ? null
            : T($"/openapi/user/list answers HTTP {list.Response.Status} {list.Head}", $"/openapi/user/list 返回 HTTP {list.Response.Status} {list.Head}");

        for (var d = 1; d <= 8; d++)
        {
            var path = $"研发部/组{d}";
            var party = await MailroomApi.CallOnceAsync(server.EndPoint, MailroomApi.PartyAdd(token, path), cancellationToken);
            if (party.Response.Status != 200 || party.Response.ContentLength != 0)
            {
                session.DepartmentProblem = T(
                    $"members are added to the root: /openapi/party/sync answers HTTP {party.Response.Status} {party.Head}",
                    $"成员加入根部门：/openapi/party/sync 返回 HTTP {party.Response.Status} {party.Head}");
                session.Departments.Clear();
                break;
            }

            session.Departments.Add(path);
        }

        if (session.DepartmentProblem is { } problem && session.UserSync is null)
        {
            Console.WriteLine("  " + problem);
        }

        return session;
    }

    /// <summary>ADD then MOD of the members over several connections, with no target; returns the members added.</summary>
    private async Task<List<string>> RunSyncAsync(ServerProcess bare, MailroomSession session, string durability, CancellationToken cancellationToken)
    {
        var connections = options.SyncConnections;
        if (await MeasureSyncAsync(bare, session, durability, connections, cancellationToken) is { } run)
        {
            report.Rate($"user/sync ADD, {durability}, {Connections(connections)}", T("adds/s", "新增/秒"), run.Added, run.BareAdds, null, session.DepartmentProblem);
            report.Rate($"user/sync MOD, {durability}, {Connections(connections)}", T("mods/s", "修改/秒"), run.Modified, run.BareMods, null, null);
        }

        return session.Members;
    }

    /// <summary>
    /// The rows with slapd's target, one connection, in <see cref="BenchOptions.SyncRounds"/>
    /// rounds. In each, slapd and a fresh Mailroom server run side by side; the ADDs, then the MODs,
    /// go to them in alternating chunks of <see cref="BenchOptions.SyncChunk"/> calls (slapd first
    /// in every other pair), and whichever is not being timed is paused (SIGSTOP). So the shared
    /// machine's drift weighs on both alike, and neither's background work (Mailroom's password
    /// hardener, its deferred commits) lands in the other's time. A fresh pair per round, because
    /// where the scheduler happens to place slapd's threads against the client's moves its rate by
    /// up to two times for a whole run. Each row shows the round with the median Mailroom ÷ slapd.
    /// </summary>
    private async Task RunSyncRoundsAsync(ServerProcess bare, string durability, CancellationToken cancellationToken)
    {
        var reference = SyncTargets.Single(t => t.Durability == durability);
        var rounds = new List<SyncRound>();
        for (var round = 1; round <= options.SyncRounds; round++)
        {
            Console.WriteLine();
            Console.WriteLine(T($"user/sync {durability}, 1 connection, round {round} of {options.SyncRounds}", $"user/sync {durability}，1 个连接，第 {round} 轮（共 {options.SyncRounds} 轮）"));
            if (await RunSyncRoundAsync(bare, durability, round, cancellationToken) is not { } result)
            {
                return;
            }

            rounds.Add(result);
        }

        foreach (var adds in new[] { true, false })
        {
            var ratios = rounds.Select(r => Run(r, adds).Mailroom.PerSecond / Target(r, adds).Minimum!.Value).ToList();
            var median = Enumerable.Range(0, rounds.Count).OrderBy(i => ratios[i]).ElementAt(rounds.Count / 2);
            var chosen = rounds[median];
            var target = Target(chosen, adds);
            var perRound = string.Join(" / ", ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)));
            var note = Report.Join(
                adds ? chosen.DepartmentProblem : null,
                Report.Join(target.Note, Report.Join(Spread(Run(chosen, adds)), T($"the median of {rounds.Count} rounds: Mailroom/slapd per round {perRound}", $"{rounds.Count} 轮的中位数：各轮 Mailroom/slapd {perRound}"))));
            report.Rate(
                $"user/sync {(adds ? "ADD" : "MOD")}, {durability}, {Connections(1)}",
                adds ? T("adds/s", "新增/秒") : T("mods/s", "修改/秒"),
                Run(chosen, adds).Mailroom,
                adds ? chosen.BareAdds : chosen.BareMods,
                target.Minimum,
                note);
        }

        static Interleaved Run(SyncRound round, bool adds) => adds ? round.Added : round.Modified;

        SyncTarget Target(SyncRound round, bool adds)
        {
            var (addTarget, modTarget) = Targets(reference, round.Slapd, round.Added.Mailroom.PerSecond, round.Modified.Mailroom.PerSecond);
            return adds ? addTarget : modTarget;
        }
    }

    /// <summary>One round of <see cref="RunSyncRoundsAsync"/>; null when Mailroom could not run it (reported).</summary>
    private async Task<SyncRound?> RunSyncRoundAsync(ServerProcess bare, string durability, int round, CancellationToken cancellationToken)
    {
        var label = $"user/sync {durability}, {Connections(1)}";
        await using var server = await StartMailroomAsync($"mailroom-{durability.ToLowerInvariant()}-{round}", durability, cancellationToken);
        var session = await ConnectAsync(server, cancellationToken);
        if (await PrepareSyncAsync(label, bare, session, 1, "s", cancellationToken) is not var (_, adds, mods))
        {
            return null;
        }

        var bareAdds = await BatchAsync(bare.EndPoint, adds, 1, MailroomApi.AnyJson, null, cancellationToken);
        var bareMods = await BatchAsync(bare.EndPoint, mods, 1, MailroomApi.AnyJson, null, cancellationToken);

        var (slapd, problem) = await StartSlapdAsync(durability, round, cancellationToken);
        await using (slapd)
        {
            Interleaved added, modified;
            if (slapd is null)
            {
                Console.WriteLine(T($"{label}: ADD then MOD of {options.Members:N0} members…", $"{label}：新增后修改 {options.Members:N0} 个成员…"));
                added = new(await BatchAsync(server.EndPoint, adds, 1, MailroomApi.EmptyBody, "ADD", cancellationToken), null, []);
                modified = new(await BatchAsync(server.EndPoint, mods, 1, MailroomApi.EmptyBody, "MOD", cancellationToken), null, []);
            }
            else
            {
                Console.WriteLine(T(
                    $"{label}: ADD then MOD of {options.Members:N0} members, alternating with slapd (mdb) in chunks of {options.SyncChunk:N0}…",
                    $"{label}：新增后修改 {options.Members:N0} 个成员，与 slapd（mdb）每 {options.SyncChunk:N0} 个调用交替…"));
                using var ldap = slapd.Connect();
                WarmUpSlapd(ldap);
                added = await InterleaveAsync(server, adds, slapd, ldap, SlapdReference.Adds("s", options.Members), "ADD", cancellationToken);
                modified = await InterleaveAsync(server, mods, slapd, ldap, SlapdReference.Mods("s", options.Members), "MOD", cancellationToken);
            }

            var rates = slapd is null ? new SlapdRates(0, 0, problem) : new SlapdRates(added.Slapd!.PerSecond, modified.Slapd!.PerSecond, null);
            if (rates.Problem is null)
            {
                Console.WriteLine(T(
                    $"  Mailroom {added.Mailroom.PerSecond:N0} adds/s, {modified.Mailroom.PerSecond:N0} mods/s; slapd {rates.Adds:N0} adds/s, {rates.Mods:N0} mods/s",
                    $"  Mailroom {added.Mailroom.PerSecond:N0} 新增/秒，{modified.Mailroom.PerSecond:N0} 修改/秒；slapd {rates.Adds:N0} 新增/秒，{rates.Mods:N0} 修改/秒"));
            }

            return new SyncRound(added, modified, bareAdds, bareMods, rates, session.DepartmentProblem);
        }
    }

    // How much Mailroom ÷ slapd varied from one pair of chunks to the next.
    private string? Spread(Interleaved run)
    {
        if (run.ChunkRatios.Count == 0)
        {
            return null;
        }

        var sorted = run.ChunkRatios.Order().ToList();
        var (low, median, high) = (F(sorted[0]), F(sorted[sorted.Count / 2]), F(sorted[^1]));
        return T(
            $"alternating chunks of {options.SyncChunk:N0} calls, the server not timed paused; Mailroom/slapd per pair of chunks {low}–{high}, median {median}",
            $"每 {options.SyncChunk:N0} 个调用交替一次，未计时的服务器暂停；每对分段的 Mailroom/slapd 为 {low}–{high}，中位数 {median}");

        static string F(double ratio) => ratio.ToString("0.00", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Sends <paramref name="requests"/> to Mailroom and <paramref name="ldapRequests"/> to slapd,
    /// one connection each, in alternating chunks, pausing the server not being timed.
    /// </summary>
    private async Task<Interleaved> InterleaveAsync(ServerProcess server, List<byte[]> requests, SlapdReference slapd, LdapConnection ldap, List<byte[]> ldapRequests, string what, CancellationToken cancellationToken)
    {
        using var client = await LoadClient.OpenAsync(server.EndPoint, blocking: true, cancellationToken);
        var errors = new ErrorLog();
        var slapdErrors = new ErrorLog();
        var ratios = new List<double>();
        var (mailroomSeconds, slapdSeconds) = (0.0, 0.0);
        var (mailroomDone, slapdDone) = (0L, 0L);
        var lastReport = Stopwatch.GetTimestamp();
        for (var from = 0; from < requests.Count; from += options.SyncChunk)
        {
            var to = Math.Min(from + options.SyncChunk, requests.Count);
            var slapdFirst = from / options.SyncChunk % 2 == 0;
            var (mailroomChunk, slapdChunk) = (0.0, 0.0);
            for (var side = 0; side < 2; side++)
            {
                if ((side == 0) == slapdFirst)
                {
                    (var done, slapdChunk) = await ChunkWhilePausedAsync(server.ProcessId, () => Task.FromResult(CallSlapd(ldap, ldapRequests, from, to, slapdErrors)));
                    slapdDone += done;
                }
                else
                {
                    (var done, mailroomChunk) = await ChunkWhilePausedAsync(slapd.ProcessId, () => CallMailroomAsync(client, requests, from, to, errors, cancellationToken));
                    mailroomDone += done;
                }
            }

            mailroomSeconds += mailroomChunk;
            slapdSeconds += slapdChunk;
            ratios.Add(slapdChunk / mailroomChunk);
            if (Stopwatch.GetElapsedTime(lastReport) > TimeSpan.FromSeconds(Console.IsOutputRedirected ? 10 : 1) || to == requests.Count)
            {
                lastReport = Stopwatch.GetTimestamp();
                Console.WriteLine(T(
                    $"  {what}: {to:N0} / {requests.Count:N0}: Mailroom {mailroomDone / mailroomSeconds:N0}/s, slapd {slapdDone / slapdSeconds:N0}/s ({errors.Count + slapdErrors.Count:N0} errors)",
                    $"  {what}：{to:N0} / {requests.Count:N0}：Mailroom {mailroomDone / mailroomSeconds:N0}/秒，slapd {slapdDone / slapdSeconds:N0}/秒（{errors.Count + slapdErrors.Count:N0} 个错误）"));
            }
        }

        ThrowIfSlapdRefused(slapdErrors, "calls", "调用");

        return new Interleaved(
            new BatchResult(mailroomDone, requests.Count, mailroomSeconds, errors.Count, errors.Samples),
            new BatchResult(slapdDone, ldapRequests.Count, slapdSeconds, 0, []),
            ratios);
    }

    // One chunk while the other server is paused: its successful calls, and the seconds it took.
    private static async Task<(long Done, double Seconds)> ChunkWhilePausedAsync(int pausedProcessId, Func<Task<long>> chunk)
    {
        ProcessPause.Pause(pausedProcessId);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var done = await chunk();
            return (done, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        finally
        {
            ProcessPause.Resume(pausedProcessId);
        }
    }

    private static async Task<long> CallMailroomAsync(LoadClient client, List<byte[]> requests, int from, int to, ErrorLog errors, CancellationToken cancellationToken)
    {
        var done = 0L;
        for (var i = from; i < to; i++)
        {
            if (await client.CallAsync(requests[i], MailroomApi.EmptyBody, errors, cancellationToken))
            {
                done++;
            }
        }

        return done;
    }

    // Refusals are counted; a broken connection ends the run with slapd's words.
    private static long CallSlapd(LdapConnection ldap, List<byte[]> requests, int from, int to, ErrorLog errors)
    {
        var done = 0L;
        try
        {
            for (var i = from; i < to; i++)
            {
                var code = ldap.Call(requests[i]);
                if (code == 0)
                {
                    done++;
                }
                else
                {
                    errors.Add($"LDAP result {code}");
                }
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidDataException)
        {
            throw new InvalidOperationException(T($"the slapd reference failed: {e.Message}", $"slapd 参照失败：{e.Message}"), e);
        }

        return done;
    }

    // Entries of their own, so that slapd's first timed calls find its caches and maps as warm as Mailroom's.
    private void WarmUpSlapd(LdapConnection ldap)
    {
        var count = Math.Min(options.Members, 2_000);
        var errors = new ErrorLog();
        CallSlapd(ldap, SlapdReference.Adds("w", count), 0, count, errors);
        CallSlapd(ldap, SlapdReference.Mods("w", count), 0, count, errors);
        ThrowIfSlapdRefused(errors, "the warm-up calls", "预热调用");
    }

    // slapd refusing a call means the reference itself is broken: the run stops rather than report it.
    private static void ThrowIfSlapdRefused(ErrorLog errors, string calls, string callsZh)
    {
        if (errors.Count > 0)
        {
            var samples = string.Join("; ", errors.Samples);
            throw new InvalidOperationException(T($"slapd refused {calls}: {samples}", $"slapd 拒绝了{callsZh}：{samples}"));
        }
    }

    /// <summary>slapd running in one durability, or why it is not.</summary>
    private async Task<(SlapdReference? Slapd, string? Problem)> StartSlapdAsync(string durability, int round, CancellationToken cancellationToken)
    {
        if (SlapdReference.Missing() is { } missing)
        {
            return (null, T($"slapd reference not run: {missing}", $"未测 slapd 参照：{missing}"));
        }

        try
        {
            return (await SlapdReference.StartAsync(Path.Combine(_runDir, $"slapd-{durability}-{round}"), durability == "Full", cancellationToken), null);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception or System.Net.Sockets.SocketException or InvalidDataException)
        {
            return (null, T($"slapd reference failed: {e.Message}", $"slapd 参照失败：{e.Message}"));
        }
    }

    /// <summary>ADD then MOD of fresh members after a warm-up, Mailroom and the bare endpoint alike; null when it could not run.</summary>
    private async Task<SyncRun?> MeasureSyncAsync(ServerProcess bare, MailroomSession session, string durability, int connections, CancellationToken cancellationToken)
    {
        var label = $"user/sync {durability}, {Connections(connections)}";
        if (await PrepareSyncAsync(label, bare, session, connections, connections == 1 ? "s" : "c", cancellationToken) is not var (members, adds, mods))
        {
            return null;
        }

        Console.WriteLine(T($"{label}: ADD then MOD of {options.Members:N0} members…", $"{label}：新增后修改 {options.Members:N0} 个成员…"));

        var bareAdds = await BatchAsync(bare.EndPoint, adds, connections, MailroomApi.AnyJson, null, cancellationToken);
        var added = await BatchAsync(session.Server.EndPoint, adds, connections, MailroomApi.EmptyBody, "ADD", cancellationToken);
        var bareMods = await BatchAsync(bare.EndPoint, mods, connections, MailroomApi.AnyJson, null, cancellationToken);
        var modified = await BatchAsync(session.Server.EndPoint, mods, connections, MailroomApi.EmptyBody, "MOD", cancellationToken);
        session.Members.AddRange(members);
        return new SyncRun(added, bareAdds, modified, bareMods);
    }

    /// <summary>
    /// The ADD and MOD requests for members <paramref name="prefix"/>0… of a user/sync run, once
    /// the server has been warmed up; null when it could not run (reported as not run).
    /// </summary>
    private async Task<(List<string> Members, List<byte[]> Adds, List<byte[]> Mods)?> PrepareSyncAsync(string label, ServerProcess bare, MailroomSession session, int connections, string prefix, CancellationToken cancellationToken)
    {
        if (session.UserSync is { } missing)
        {
            report.NotRun(label, missing);
            return null;
        }

        var members = Enumerable.Range(0, options.Members).Select(i => MailroomApi.Address(prefix, i)).ToList();
        var adds = members.Select((m, i) => MailroomApi.UserAdd(session.Token, m, i, session.Department(i))).ToList();
        var mods = members.Select((m, i) => MailroomApi.UserMod(session.Token, m, i)).ToList();
        var warmupFailures = await WarmUpSyncAsync(bare, session, connections, cancellationToken);
        if (warmupFailures.Count > 0)
        {
            report.NotRun(label, T($"the warm-up calls failed: {string.Join("; ", warmupFailures)}", $"预热调用失败：{string.Join("; ", warmupFailures)}"));
            return null;
        }

        return (members, adds, mods);
    }

    /// <summary>
    /// Unmeasured ADD and MOD of other members first, so the clocks time steady work and not the
    /// JIT: tiered compilation keeps recompiling the write path for a few thousand calls after
    /// start. Passes of 500 members each, at least two and for at least <see cref="SyncWarmUp"/>.
    /// Returns the failures of Mailroom's calls.
    /// </summary>
    private static async Task<List<string>> WarmUpSyncAsync(ServerProcess bare, MailroomSession session, int connections, CancellationToken cancellationToken)
    {
        Console.WriteLine(T($"  warming up for {SyncWarmUp.TotalSeconds:0} s…", $"  预热 {SyncWarmUp.TotalSeconds:0} 秒…"));
        var failures = new List<string>();
        var started = Stopwatch.GetTimestamp();
        for (var pass = 0; failures.Count == 0 && (pass < 2 || Stopwatch.GetElapsedTime(started) < SyncWarmUp); pass++)
        {
            var warmup = Enumerable.Range(0, 500).Select(i => (Alias: MailroomApi.Address($"w{connections}p{pass}x", i), Index: i)).ToList();
            foreach (var calls in new[]
            {
                warmup.Select(w => MailroomApi.UserAdd(session.Token, w.Alias, w.Index, session.Department(w.Index))).ToList(),
                warmup.Select(w => MailroomApi.UserMod(session.Token, w.Alias, w.Index)).ToList(),
            })
            {
                await BatchAsync(bare.EndPoint, calls, connections, MailroomApi.AnyJson, null, cancellationToken);
                failures.AddRange((await BatchAsync(session.Server.EndPoint, calls, connections, MailroomApi.EmptyBody, null, cancellationToken)).ErrorSamples);
            }
        }

        return failures;
    }

    /// <summary>
    /// The minimum rates for the ADD and MOD rows of a durability, with notes saying where they
    /// come from and Mailroom's ratio: slapd's rates of this run, or, without them, the issue's
    /// figures for its reference machine.
    /// </summary>
    private static (SyncTarget Adds, SyncTarget Mods) Targets((string Durability, double Adds, double Mods) reference, SlapdRates slapd, double adds, double mods)
    {
        if (slapd.Problem is null)
        {
            return (SlapdTarget(slapd.Adds, adds, reference.Adds, T("adds/s", "新增/秒")), SlapdTarget(slapd.Mods, mods, reference.Mods, T("mods/s", "修改/秒")));
        }

        var standIn = T(
            $"{slapd.Problem}; target: slapd's rate on the issue's reference machine",
            $"{slapd.Problem}；目标取 issue 所给参考机器上 slapd 的速率");
        return (new SyncTarget(reference.Adds, standIn), new SyncTarget(reference.Mods, standIn));
    }

    private static SyncTarget SlapdTarget(double slapd, double mailroom, double reference, string unit)
    {
        var ratio = (mailroom / slapd).ToString("0.00", CultureInfo.InvariantCulture);
        return new SyncTarget(slapd, T(
            $"target: slapd (mdb) in this run, Mailroom/slapd {ratio}; on the issue's reference machine slapd does {Report.Rate(reference, unit)}",
            $"目标：本次运行中的 slapd（mdb），Mailroom/slapd {ratio}；issue 所给参考机器上 slapd 为 {Report.Rate(reference, unit)}"));
    }

    /// <summary>The least rate an ADD or MOD row must reach, and where it comes from.</summary>
    private readonly record struct SyncTarget(double? Minimum, string? Note);

    /// <summary>slapd's rates in one durability, or why there are none.</summary>
    private readonly record struct SlapdRates(double Adds, double Mods, string? Problem);

    /// <summary>One round of the one-connection rows: the interleaved ADD and MOD runs, the bare endpoint's rates for the same requests, and slapd's.</summary>
    private sealed record SyncRound(Interleaved Added, Interleaved Modified, BatchResult BareAdds, BatchResult BareMods, SlapdRates Slapd, string? DepartmentProblem);

    /// <summary>Mailroom's and slapd's share of one interleaved run (slapd's null when it did not run), and Mailroom ÷ slapd per pair of chunks.</summary>
    private sealed record Interleaved(BatchResult Mailroom, BatchResult? Slapd, IReadOnlyList<double> ChunkRatios);

    /// <summary>One ADD-then-MOD measurement, with the bare endpoint's rates for the same requests.</summary>
    private sealed record SyncRun(BatchResult Added, BatchResult BareAdds, BatchResult Modified, BatchResult BareMods);

    private async Task RunUserGetAsync(ServerProcess bare, MailroomSession session, List<string> members, CancellationToken cancellationToken)
    {
        var label = $"user/get, {Connections(options.Connections)}";
        var check = MailroomApi.Profile;
        string? note = null;
        if (members.Count == 0 && session.UserSync is null)
        {
            Console.WriteLine(T($"Adding {options.GetMembers:N0} members for user/get…", $"正在为 user/get 新增 {options.GetMembers:N0} 个成员…"));
            var created = Enumerable.Range(0, options.GetMembers).Select(i => MailroomApi.Address("g", i)).ToList();
            var result = await BatchAsync(session.Server.EndPoint, [.. created.Select((m, i) => MailroomApi.UserAdd(session.Token, m, i, session.Department(i)))], options.SyncConnections, MailroomApi.EmptyBody, null, cancellationToken);
            if (result.Errors > 0)
            {
                throw new InvalidOperationException(T($"Adding members failed: {string.Join("; ", result.ErrorSamples)}", $"新增成员失败：{string.Join("; ", result.ErrorSamples)}"));
            }

            members = created;
        }

        if (members.Count == 0)
        {
            // Without user/sync there is no member to read: measure the not-found answer instead.
            members = [.. Enumerable.Range(0, options.GetMembers).Select(i => MailroomApi.Address("nobody", i))];
            check = MailroomApi.UserNotFound;
            note = T(
                "unknown members (1301): user/sync is missing; each refusal is also written to the operation log",
                "未知成员（1301）：缺少 user/sync；每次拒绝还会写入操作记录");
            label += T(" (user_not_found)", "（user_not_found）");
        }

        var requests = members.Take(options.GetMembers).Select(m => MailroomApi.UserGet(session.Token, m)).ToList();
        Console.WriteLine(T($"{label}: {requests.Count:N0} distinct members…", $"{label}：轮流查询 {requests.Count:N0} 个成员…"));
        await CompareAsync(label, bare, session, requests, check, 0.6, note, cancellationToken);
    }

    private async Task RunTokenAsync(ServerProcess bare, MailroomSession session, CancellationToken cancellationToken)
    {
        var label = $"/cgi-bin/token, {Connections(options.Connections)}";
        Console.WriteLine(label + "…");
        byte[][] requests = [MailroomApi.TokenRequest(_secret)];
        await CompareAsync(label, bare, session, requests, MailroomApi.Token, 0.5, null, cancellationToken);
    }

    /// <summary>
    /// The same load on the bare server and on Mailroom, alternating bare-Mailroom, Mailroom-bare…
    /// so that a change in background load over time hits both sides alike.
    /// </summary>
    private async Task CompareAsync(string label, ServerProcess bare, MailroomSession session, IReadOnlyList<byte[]> requests, ResponseCheck check, double minimumRatio, string? note, CancellationToken cancellationToken)
    {
        var bareRuns = new List<ThroughputResult>();
        var mailroomRuns = new List<ThroughputResult>();
        for (var round = 0; round < options.Rounds; round++)
        {
            // Only the first run on each server needs the JIT warmed up; later ones just open their connections.
            var warmup = round == 0 ? Warmup : TimeSpan.FromSeconds(Math.Min(options.Warmup, 0.5));
            var bareFirst = round % 2 == 0;
            for (var side = 0; side < 2; side++)
            {
                var onBare = (side == 0) == bareFirst;
                var result = await LoadGenerator.RunForDurationAsync(
                    onBare ? bare : session.Server,
                    options.Connections,
                    requests,
                    onBare ? MailroomApi.AnyJson : check,
                    warmup,
                    Duration,
                    cancellationToken);
                (onBare ? bareRuns : mailroomRuns).Add(result);
            }
        }

        var perRound = string.Join(" / ", mailroomRuns.Zip(bareRuns, (m, b) => (m.PerSecond / b.PerSecond).ToString("0.00", CultureInfo.InvariantCulture)));
        var rounds = options.Rounds == 1 ? null : T($"ratio per round {perRound}", $"各轮比值 {perRound}");
        report.Ratio(label, T("req/s", "请求/秒"), ThroughputResult.Combine(mailroomRuns), ThroughputResult.Combine(bareRuns), minimumRatio, string.Join("; ", new[] { note, rounds }.Where(n => n is not null)));
    }

    private async Task RunUserListAsync(MailroomSession session, CancellationToken cancellationToken)
    {
        var full = $"user/list Ver=0, {options.ListMembers:N0} {T("members", "成员")}";
        var recent = $"user/list Ver {options.ListChanges:N0} {T("changes old", "次变更之前")}";
        var missing = session.UserSync ?? session.UserList;
        if (missing is not null)
        {
            report.NotRun(full, missing);
            report.NotRun(recent, missing);
            return;
        }

        Console.WriteLine(T($"Seeding {options.ListMembers:N0} members (Normal, {Connections(options.SyncConnections)})…", $"正在填充 {options.ListMembers:N0} 个成员（Normal，{Connections(options.SyncConnections)}）…"));
        var members = Enumerable.Range(0, options.ListMembers).Select(i => MailroomApi.Address("l", i)).ToList();
        var seeded = await BatchAsync(
            session.Server.EndPoint,
            [.. members.Select((m, i) => MailroomApi.UserAdd(session.Token, m, i, session.Department(i)))],
            options.SyncConnections,
            MailroomApi.EmptyBody,
            T("seeding", "填充"),
            cancellationToken);
        report.Rate(T($"seeding: user/sync ADD, Normal, {Connections(options.SyncConnections)}", $"填充：user/sync ADD，Normal，{Connections(options.SyncConnections)}"), T("adds/s", "新增/秒"), seeded, null, null, session.DepartmentProblem);
        if (seeded.Errors > 0)
        {
            report.NotRun(full, T("seeding failed", "填充失败"));
            report.NotRun(recent, T("seeding failed", "填充失败"));
            return;
        }

        // Every member added here plus the probe: the enterprise was empty before.
        var expected = options.ListMembers + 1;
        long currentVer = 0;
        var wholeList = MailroomApi.UserList(session.Token, 0);
        var wholeCheck = new ResponseCheck((_, head) =>
        {
            if (MailroomApi.ReadListHeader(head) is not { } header || header.Count != expected)
            {
                return false;
            }

            currentVer = header.Ver;
            return true;
        });
        Console.WriteLine(full + "…");
        await LoadGenerator.MeasureLatencyAsync(session.Server.EndPoint, wholeList, wholeCheck, 1, cancellationToken);
        var whole = await LoadGenerator.MeasureLatencyAsync(session.Server.EndPoint, wholeList, wholeCheck, options.Runs, cancellationToken);
        report.Latency(full, whole, TimeSpan.FromSeconds(1));

        var changes = Math.Min(options.ListChanges, members.Count);
        var mods = members.Take(changes).Select((m, i) => MailroomApi.UserMod(session.Token, m, i)).ToList();
        var modified = await BatchAsync(session.Server.EndPoint, mods, 1, MailroomApi.EmptyBody, null, cancellationToken);
        if (currentVer == 0 || modified.Errors > 0)
        {
            report.NotRun(recent, T($"could not make the changes: {string.Join("; ", modified.ErrorSamples)}", $"无法产生变更：{string.Join("; ", modified.ErrorSamples)}"));
            return;
        }

        Console.WriteLine(recent + "…");
        var sinceList = MailroomApi.UserList(session.Token, currentVer);
        var sinceCheck = new ResponseCheck((_, head) => MailroomApi.ReadListHeader(head) is { } header && header.Count == changes);
        await LoadGenerator.MeasureLatencyAsync(session.Server.EndPoint, sinceList, sinceCheck, 1, cancellationToken);
        var since = await LoadGenerator.MeasureLatencyAsync(session.Server.EndPoint, sinceList, sinceCheck, Math.Max(options.Runs, 21), cancellationToken);
        report.Latency(recent, since, TimeSpan.FromMilliseconds(10), string.Create(CultureInfo.InvariantCulture, $"Ver={currentVer}"));
    }
}
