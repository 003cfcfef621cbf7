using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using static Mailroom.Bench.Text;

namespace Mailroom.Bench;

/// <summary>
/// The <c>mail</c> benchmark: SMTP ingest of small messages over one session and over many, every
/// message durable before its 250 (Durability=Full), against the same run's rate of the bare
/// minimum such a store must do per message: create a file, write the message, fsync it.
/// </summary>
internal sealed class MailBenchmark(BenchOptions options, string serverDll, Report report)
{
    // Postfix accepting into Maildir on the reference machine (2 cores), flushing before each 250.
    private const double OneSessionTarget = 250;
    private const double ManySessionsTarget = 350;
    private const int Warmup = 200;
    private static readonly TimeSpan PushTarget = TimeSpan.FromMilliseconds(50);

    private readonly string _runDir = Path.Combine(options.DataRoot, $"mailroom-bench-{Environment.ProcessId}-{MailroomApi.NewSecret()[..6]}");
    private readonly string _secret = MailroomApi.NewSecret();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        report.BaselineName = T("write + fsync", "写入 + fsync");
        PrintHeader();
        try
        {
            Console.WriteLine();
            Console.WriteLine(T("Starting Mailroom (Durability=Full)…", "正在启动 Mailroom（Durability=Full）…"));
            await using var server = await ServerProcess.StartMailroomAsync("mailroom-mail", serverDll, Path.Combine(_runDir, "mailroom"), "Full", _secret, cancellationToken);
            var token = await MailroomApi.WaitForTokenAsync(server.EndPoint, _secret, cancellationToken);
            var smtp = await server.SmtpEndPointAsync(cancellationToken);
            Console.WriteLine(T($"  SMTP inbound on {smtp}", $"  SMTP 收信端口：{smtp}"));
            var recipients = await AddRecipientsAsync(server.EndPoint, token, Math.Max(1, options.Sessions), cancellationToken);

            await IngestAsync(smtp, recipients, 1, Warmup, progress: null, cancellationToken);
            foreach (var sessions in new[] { 1, options.Sessions }.Distinct())
            {
                var label = sessions == 1 ? T("1 session", "1 个会话") : T($"{sessions} sessions", $"{sessions} 个会话");

                // The baseline right before each run, on the same disk, so both see the same load.
                var baseline = MeasureFileBaseline(Path.Combine(_runDir, "fsync-baseline"), cancellationToken);
                Console.WriteLine(T(
                    $"  baseline: write {options.MessageBytes:N0} B + fsync, a new file each: {Report.Rate(baseline.PerSecond, "files/s")}",
                    $"  基线：写入 {options.MessageBytes:N0} 字节并 fsync（每次新建文件）：{Report.Rate(baseline.PerSecond, "文件/秒")}"));
                var result = await IngestAsync(smtp, recipients, sessions, options.Messages, label, cancellationToken);
                report.Rate(
                    T($"SMTP ingest, {options.MessageBytes / 1024} KiB messages, {label}", $"SMTP 收信，{options.MessageBytes / 1024} KiB 邮件，{label}"),
                    T("msg/s", "封/秒"),
                    result,
                    baseline,
                    sessions == 1 ? OneSessionTarget : ManySessionsTarget,
                    T($"{options.Messages:N0} messages, each flushed before its 250; baseline: write + fsync of a new file, one thread", $"{options.Messages:N0} 封，每封在 250 之前落盘；基线：单线程新建文件写入并 fsync"),
                    T("files/s", "文件/秒"));
            }

            var (push, pushed) = await PushLatencyRun.RunAsync(server.EndPoint, smtp, token, recipients[0], options.PushMessages, options.MessageBytes, cancellationToken);
            report.Percentile99(
                T("new-mail push latency (250 → held listen answered)", "新邮件推送延迟（250 → 挂起的 listen 收到应答）"),
                push,
                PushTarget,
                T("each answer checked: the event of that message (Subject, member, new MailId)", "逐一核对应答：是该邮件的事件（主题、成员、新的 MailId）"));

            var expected = Warmup + (options.Messages * new[] { 1, options.Sessions }.Distinct().Count()) + pushed;
            var counted = await NewCountSumAsync(server.EndPoint, token, recipients, cancellationToken);
            if (counted != expected)
            {
                Console.WriteLine(T(
                    $"  CHECK FAILED: the inboxes count {counted:N0} unread messages, {expected:N0} were accepted",
                    $"  检查未通过：收件箱共 {counted:N0} 封未读，实际接受 {expected:N0} 封"));
                report.NotRun(T("mail/newcount check", "mail/newcount 检查"), T($"{counted:N0} counted, {expected:N0} accepted", $"计数 {counted:N0}，接受 {expected:N0}"));
            }
            else
            {
                Console.WriteLine(T($"  mail/newcount agrees: {counted:N0} unread messages", $"  mail/newcount 一致：{counted:N0} 封未读"));
            }
        }
        finally
        {
            RunDirectory.TryDelete(_runDir);
        }
    }

    /// <summary>Creates a new file, writes one message's worth of bytes, fsyncs and closes it, as fast as one thread can.</summary>
    private BatchResult MeasureFileBaseline(string directory, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(directory);
        var payload = new byte[options.MessageBytes];
        Random.Shared.NextBytes(payload);
        var count = Math.Min(options.Messages, 1_000);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var file = new FileStream(Path.Combine(directory, i.ToString(CultureInfo.InvariantCulture)), FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
            file.Write(payload);
            file.Flush(flushToDisk: true);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        RunDirectory.TryDelete(directory);
        return new BatchResult(count, count, seconds, 0, []);
    }

    private static async Task<List<string>> AddRecipientsAsync(IPEndPoint http, string token, int count, CancellationToken cancellationToken)
    {
        var recipients = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var address = MailroomApi.Address("inbox", i);
            var (response, head) = await MailroomApi.CallOnceAsync(http, MailroomApi.UserAdd(token, address, i, null), cancellationToken);
            if (response.Status != 200 || response.ContentLength != 0)
            {
                throw new InvalidOperationException($"user/sync for {address}: HTTP {response.Status} {head}");
            }

            recipients.Add(address);
        }

        return recipients;
    }

    private static async Task<long> NewCountSumAsync(IPEndPoint http, string token, List<string> recipients, CancellationToken cancellationToken)
    {
        long sum = 0;
        foreach (var recipient in recipients)
        {
            var (_, head) = await MailroomApi.CallOnceAsync(http, HttpRequests.PostForm("/openapi/mail/newcount", token, ("alias", recipient)), cancellationToken);
            var marker = head.IndexOf("\"NewCount\":\"", StringComparison.Ordinal);
            if (marker >= 0)
            {
                var digits = head[(marker + 12)..].TakeWhile(char.IsAsciiDigit).ToArray();
                sum += long.Parse(digits, CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    /// <summary>Sends <paramref name="messages"/> messages over <paramref name="sessions"/> sessions (each its own recipient), timed as a whole.</summary>
    private async Task<BatchResult> IngestAsync(IPEndPoint smtp, List<string> recipients, int sessions, int messages, string? progress, CancellationToken cancellationToken)
    {
        var message = Message(options.MessageBytes);
        var open = await Task.WhenAll(Enumerable.Range(0, sessions).Select(_ => SmtpSession.OpenAsync(smtp, cancellationToken)));
        long succeeded = 0, errors = 0, done = 0;
        var samples = new List<string>();
        var ticker = progress is null ? null : new Timer(_ => Console.Write($"\r  {progress}: {Interlocked.Read(ref done):N0}/{messages:N0}   "), null, 1000, 1000);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(open.Select(async (session, index) =>
        {
            var envelope = SmtpSession.Envelope("sender@bench.example", recipients[index % recipients.Count]);
            var share = (messages / sessions) + (index < messages % sessions ? 1 : 0);
            for (var i = 0; i < share; i++)
            {
                var refused = await session.SendAsync(envelope, message, cancellationToken);
                Interlocked.Increment(ref done);
                if (refused is null)
                {
                    Interlocked.Increment(ref succeeded);
                    continue;
                }

                Interlocked.Increment(ref errors);
                lock (samples)
                {
                    if (samples.Count < 3)
                    {
                        samples.Add(refused);
                    }
                }

                break;
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        if (ticker is not null)
        {
            await ticker.DisposeAsync();
            Console.Write("\r" + new string(' ', 60) + "\r");
        }

        foreach (var session in open)
        {
            await session.DisposeAsync();
        }

        return new BatchResult(succeeded, messages, seconds, errors, samples);
    }

    /// <summary>A plain-text message of exactly <paramref name="bytes"/> bytes, dot-terminated for DATA.</summary>
    public static byte[] Message(int bytes, string subject = "Benchmark message")
    {
        var text = new StringBuilder();
        text.Append("From: Bench <sender@bench.example>\r\nTo: inbox@gzdev.com\r\nSubject: ").Append(subject).Append("\r\nMessage-ID: <bench@bench.example>\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
        var line = "The quick brown fox jumps over the lazy dog, again and again and again.\r\n";
        while (text.Length + line.Length <= bytes)
        {
            text.Append(line);
        }

        text.Append('x', Math.Max(0, bytes - text.Length - 2)).Append("\r\n");
        return Encoding.ASCII.GetBytes(text.Append(".\r\n").ToString());
    }

    private void PrintHeader()
    {
        Console.WriteLine(T("Mailroom mail benchmark", "Mailroom 邮件基准测试"));
        Console.WriteLine($"  {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz}  {RuntimeInformation.OSDescription}  {RuntimeInformation.FrameworkDescription}  {Environment.ProcessorCount} CPU");
        Console.WriteLine(T(
            $"  SMTP ingest: {options.Messages:N0} messages of {options.MessageBytes:N0} B over 1 and over {options.Sessions} sessions, after {Warmup} warm-up messages",
            $"  SMTP 收信：{options.Messages:N0} 封 {options.MessageBytes:N0} 字节的邮件，分别经 1 个和 {options.Sessions} 个会话，之前先预热 {Warmup} 封"));
        Console.WriteLine(T(
            $"  push latency: {options.PushMessages:N0} messages, end of DATA (250 received) → the held listen's answer received",
            $"  推送延迟：{options.PushMessages:N0} 封，DATA 结束（收到 250）→ 挂起的 listen 收到应答"));
        System.IO.Directory.CreateDirectory(_runDir);
        Console.WriteLine(T($"  data: {_runDir}", $"  数据目录：{_runDir}"));
        Console.WriteLine();
    }
}
