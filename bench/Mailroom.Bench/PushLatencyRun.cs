using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Mailroom.Contracts;
using static Mailroom.Bench.Text;

namespace Mailroom.Bench;

/// <summary>
/// The mail benchmark's push part (PROTOCOL.md §5, §7.1): one client holds /openapi/listen, one
/// SMTP session sends a message, and the time from the 250 reaching the sender to the held listen's
/// answer reaching the client is one sample. Sequential: hold a listen, send one message, wait for
/// the event, listen again. Every answer must be the new-mail event of that very message (its
/// Subject, its member, a MailId never seen before); anything else counts as an error.
/// </summary>
internal static class PushLatencyRun
{
    /// <summary>The latencies, and how many messages were accepted (for the final count check).</summary>
    public static async Task<(LatencyResult Latency, int Accepted)> RunAsync(IPEndPoint http, IPEndPoint smtp, string token, string recipient, int messages, int messageBytes, CancellationToken cancellationToken)
    {
        using var listen = await HttpConnection.OpenAsync(http, cancellationToken);

        // Ver=0 is answered at once with the directory's version; a listen finished that recently
        // makes the client online (§5), so events are queued for it from here on.
        var answer = await listen.SendAsync(ListenRequest(token, 0), cancellationToken);
        var ver = ReadVer(listen.Head) ?? throw new InvalidOperationException(
            $"listen with Ver=0: HTTP {answer.Status} {Encoding.UTF8.GetString(listen.Head)}");
        var request = ListenRequest(token, ver);

        await using var session = await SmtpSession.OpenAsync(smtp, cancellationToken);
        var envelope = SmtpSession.Envelope("sender@bench.example", recipient);
        var times = new List<TimeSpan>(messages);
        var errors = new ErrorLog();
        var mailIds = new HashSet<string>(StringComparer.Ordinal);
        var early = 0;
        var done = 0;
        var accepted = 0;
        var ticker = new Timer(_ => Console.Write(T(
            $"\r  push latency: {Volatile.Read(ref done):N0}/{messages:N0}   ",
            $"\r  推送延迟：{Volatile.Read(ref done):N0}/{messages:N0}   ")), null, 1000, 1000);
        try
        {
            for (var i = 0; i < messages; i++)
            {
                var subject = string.Create(CultureInfo.InvariantCulture, $"Push latency {i:D6}");
                var message = MailBenchmark.Message(messageBytes, subject);

                // The listen goes out (and is held) before the message does; its answer is timestamped
                // the moment it is read, whatever this loop is doing then.
                var held = ListenOnceAsync(listen, request, cancellationToken);
                var refused = await session.SendAsync(envelope, message, cancellationToken);
                var acceptedAt = Stopwatch.GetTimestamp();
                if (refused is not null)
                {
                    // The session is out of step and the held listen would only time out: stop here.
                    errors.Add(T($"message {i} refused: {refused}", $"第 {i} 封被拒绝：{refused}"));
                    break;
                }

                accepted++;
                var first = true;
                while (true)
                {
                    var (response, at, body) = await held;
                    var outcome = Check(response, body, subject, recipient, mailIds);
                    if (outcome is null)
                    {
                        if (first)
                        {
                            // The event can overtake the 250 (both leave the server at the same moment).
                            var latency = Stopwatch.GetElapsedTime(acceptedAt, at);
                            early += latency < TimeSpan.Zero ? 1 : 0;
                            times.Add(latency < TimeSpan.Zero ? TimeSpan.Zero : latency);
                        }

                        break;
                    }

                    errors.Add(T($"message {i}: {outcome}", $"第 {i} 封：{outcome}"));
                    if (ReadVer(body) is { } announced)
                    {
                        // A directory change: listen again with the new version, the event may still come.
                        request = ListenRequest(token, announced);
                    }
                    else if (body.AsSpan().SequenceEqual("{\"Ret\":0}"u8))
                    {
                        // Held to the end without the event: it is lost, not late.
                        break;
                    }

                    first = false;
                    held = ListenOnceAsync(listen, request, cancellationToken);
                }

                Interlocked.Increment(ref done);
            }
        }
        finally
        {
            await ticker.DisposeAsync();
            Console.Write("\r" + new string(' ', 60) + "\r");
        }

        if (early > 0)
        {
            Console.WriteLine(T(
                $"  {early:N0} new-mail events arrived before their 250 (counted as 0 ms)",
                $"  {early:N0} 个新邮件事件先于 250 到达（计为 0 毫秒）"));
        }

        return (new LatencyResult(times, errors.Count, errors.Samples), accepted);
    }

    private static byte[] ListenRequest(string token, long ver) =>
        HttpRequests.PostForm("/openapi/listen", token, ("Ver", ver.ToString(CultureInfo.InvariantCulture)));

    private static async Task<(HttpResponse Response, long At, byte[] Body)> ListenOnceAsync(HttpConnection connection, byte[] request, CancellationToken cancellationToken)
    {
        var response = await connection.SendAsync(request, cancellationToken);
        var at = Stopwatch.GetTimestamp();
        return (response, at, connection.Head.ToArray());
    }

    /// <summary>Null when <paramref name="body"/> is the new-mail event of the message just sent, else what is wrong with it.</summary>
    private static string? Check(HttpResponse response, byte[] body, string subject, string recipient, HashSet<string> mailIds)
    {
        if (response.Status != 200 || body.Length != response.ContentLength)
        {
            return $"HTTP {response.Status}, {response.ContentLength} bytes: {Encoding.UTF8.GetString(body)}";
        }

        NewMailEvent? mail;
        try
        {
            mail = body.AsSpan().StartsWith("{\"UserName\""u8) ? JsonSerializer.Deserialize(body, ContractsJsonContext.Default.NewMailEvent) : null;
        }
        catch (JsonException)
        {
            mail = null;
        }

        if (mail is null || mail.MailId is null)
        {
            return T($"not a new-mail event: {Encoding.UTF8.GetString(body)}", $"不是新邮件事件：{Encoding.UTF8.GetString(body)}");
        }

        if (mail.Subject != subject || mail.UserName != recipient || mail.Receiver != recipient)
        {
            return T(
                $"the event of another message: {mail.Subject} for {mail.UserName}",
                $"另一封邮件的事件：{mail.Subject}，收件人 {mail.UserName}");
        }

        return mailIds.Add(mail.MailId) ? null : T($"MailId {mail.MailId} seen before", $"MailId {mail.MailId} 重复");
    }

    private static long? ReadVer(ReadOnlySpan<byte> body) =>
        body.StartsWith("{\"Ver\":\""u8) && Utf8Parser.TryParse(body[8..], out long ver, out _) ? ver : null;
}
