using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.IO.Pipelines;
using System.Net.Sockets;
using Mailroom.Server.Protocol;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Mailroom.Server.Push;

/// <summary>
/// The HTTP side of <c>/openapi/listen</c> (PROTOCOL.md §5): parses Ver, answers at once, holds,
/// or streams server-sent events, and writes each answer as one pre-encoded body. An event whose
/// answer cannot be written goes back to its client's queue.
/// </summary>
internal sealed class ListenResponder(ListenHub hub)
{
    private const string JsonContentType = "application/json; charset=utf-8";
    private const string EventStreamContentType = "text/event-stream; charset=utf-8";

    private readonly PushMetrics _metrics = hub.Context.Metrics;

    private static readonly Task<object?> Answered = Task.FromResult<object?>(EmptyHttpResult.Instance);

    /// <summary>
    /// Answers or holds one listen. Written so that a listen answered at once runs without an async
    /// state machine and a held one with a single one, the wait itself.
    /// </summary>
    public Task<object?> ListenAsync(HttpContext http, ApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var caller = request.RequireCaller();
        if (!TryParseVer(request.Parameters.Get("Ver"), out var ver))
        {
            return RefuseAsync(ProtocolErrors.VerInvalid);
        }

        var stream = WantsEventStream(http.Request);
        long resumeAfter = -1;
        if (stream && http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } lastEventId)
        {
            // The stream's own cursor wins over Ver: it says what the client last received.
            if (!TryParseEventId(lastEventId, out ver, out resumeAfter))
            {
                return RefuseAsync(ProtocolErrors.VerInvalid);
            }
        }

        return hub.TryCurrentVersion(caller.EnterpriseId, ver, out var current)
            ? RespondAsync(http, caller, ver, resumeAfter, stream, current)
            : RespondOnceKnownAsync(http, caller, ver, resumeAfter, stream);
    }

    /// <summary>"" and absent are 0; otherwise a non-negative integer.</summary>
    internal static bool TryParseVer(string text, out long ver)
    {
        ver = 0;
        return text.Length == 0 || long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ver);
    }

    /// <summary>An event id is "&lt;version&gt;-&lt;sequence&gt;": the last version announced and the last event delivered.</summary>
    internal static bool TryParseEventId(string text, out long ver, out long sequence)
    {
        sequence = 0;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        ver = 0;
        return dash > 0
            && long.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out ver)
            && long.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }

    private static bool WantsEventStream(HttpRequest request)
    {
        foreach (var accept in request.Headers.Accept)
        {
            if (accept is not null && accept.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static Task<object?> RefuseAsync(ProtocolError error) => Task.FromResult<object?>(ProtocolResults.Error(error));

    private async Task<object?> RespondOnceKnownAsync(HttpContext http, ApiCaller caller, long ver, long resumeAfter, bool stream) =>
        await RespondAsync(http, caller, ver, resumeAfter, stream, await hub.ReadVersionAsync(caller.EnterpriseId, http.RequestAborted));

    private Task<object?> RespondAsync(HttpContext http, ApiCaller caller, long ver, long resumeAfter, bool stream, long current)
    {
        if (ver > current)
        {
            // §6.4's rule for user/list, applied to listen: no client can hold a version not yet taken.
            return RefuseAsync(ProtocolErrors.VerInvalid);
        }

        var channel = hub.ChannelOf(caller.ClientKey, caller.EnterpriseId);
        return stream ? StreamAsync(http, channel, caller, ver, resumeAfter) : PollAsync(http, channel, caller, ver, current);
    }

    private Task<object?> PollAsync(HttpContext http, ClientChannel channel, ApiCaller caller, long ver, long current)
    {
        ListenOutcome outcome;
        if (current > ver)
        {
            // The common answer to a stale Ver: shared bytes, no waiter, no lock.
            outcome = new ListenOutcome(AnswerKind.Version, current, hub.Context.VersionBody(caller.EnterpriseId, current), null, 0);
        }
        else
        {
            var waiter = new ListenWaiter(channel, hub.AdmittedState(caller), http.Connection.RemoteIpAddress, ver, hub.Context.Options.Hold, isStream: false);
            if (waiter.Admitted is null)
            {
                outcome = new ListenOutcome(AnswerKind.Revoked, 0, ListenAnswers.Ret, null, 0);
            }
            else if (hub.Admit(waiter) is { } atOnce)
            {
                outcome = atOnce;
            }
            else
            {
                return HoldAsync(http, channel, waiter);
            }
        }

        // The grace time starts before the answer is written, so never after the client has seen it.
        channel.Finish();
        var answering = AnswerAsync(http, channel, outcome);
        return answering.IsCompletedSuccessfully ? Answered : AwaitAnswerAsync(answering);
    }

    private static async Task<object?> AwaitAnswerAsync(ValueTask answering)
    {
        await answering;
        return EmptyHttpResult.Instance;
    }

    private async Task<object?> HoldAsync(HttpContext http, ClientChannel channel, ListenWaiter waiter)
    {
        // Registered once held: a client already gone is let go at once by the registration itself.
        ListenOutcome outcome;
        var registration = http.RequestAborted.UnsafeRegister(static w => ((ListenWaiter)w!).Abandon(), waiter);
        try
        {
            outcome = await waiter.WaitAsync();
        }
        finally
        {
            registration.Unregister();
        }

        channel.Finish();
        await AnswerAsync(http, channel, outcome);
        return EmptyHttpResult.Instance;
    }

    private async ValueTask AnswerAsync(HttpContext http, ClientChannel channel, ListenOutcome outcome)
    {
        if (outcome.Kind == AnswerKind.Gone)
        {
            _metrics.Answered(AnswerKind.Gone);
            return;
        }

        var response = http.Response;
        response.ContentType = JsonContentType;
        response.ContentLength = outcome.Body!.Length;
        if (outcome.Event is { } item)
        {
            // §5: an event whose answer cannot be written goes back to the head of the queue.
            if (PeerGone(http))
            {
                channel.Requeue(item);
                _metrics.Answered(AnswerKind.Gone);
                return;
            }

            response.BodyWriter.Write(outcome.Body);
            if (!await FlushedAsync(http, response.BodyWriter))
            {
                channel.Requeue(item);
                _metrics.Answered(AnswerKind.Gone);
                return;
            }
        }
        else
        {
            // One write per answer: headers and body go out together when the request ends.
            response.BodyWriter.Write(outcome.Body);
        }

        Count(outcome);
    }

    private async Task<object?> StreamAsync(HttpContext http, ClientChannel channel, ApiCaller caller, long ver, long resumeAfter)
    {
        var response = http.Response;
        var waiter = new ListenWaiter(channel, hub.AdmittedState(caller), http.Connection.RemoteIpAddress, ver, hub.Context.Options.Ping, isStream: true);
        if (waiter.Admitted is null)
        {
            await AnswerAsync(http, channel, new ListenOutcome(AnswerKind.Revoked, 0, ListenAnswers.Ret, null, 0));
            return EmptyHttpResult.Instance;
        }

        response.ContentType = EventStreamContentType;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var writer = response.BodyWriter;
        var sequence = Math.Max(0, resumeAfter);
        _metrics.StreamsChanged(1);
        var registration = http.RequestAborted.UnsafeRegister(static w => ((ListenWaiter)w!).Abandon(), waiter);
        try
        {
            if (resumeAfter >= 0)
            {
                foreach (var item in channel.ReplayAfter(resumeAfter))
                {
                    WriteEvent(writer, ver, item.Sequence, item.Body);
                    sequence = item.Sequence;
                }
            }

            if (!await FlushedAsync(http, writer))
            {
                return EmptyHttpResult.Instance;
            }

            while (true)
            {
                waiter.Ver = ver;
                var outcome = hub.Admit(waiter);
                if (outcome is null)
                {
                    if (http.RequestAborted.IsCancellationRequested)
                    {
                        waiter.Abandon();
                    }

                    outcome = await waiter.WaitAsync();
                }

                waiter.Reset();
                channel.Finish();
                var answer = outcome.Value;
                switch (answer.Kind)
                {
                    case AnswerKind.Version:
                        ver = answer.Version;
                        WriteEvent(writer, ver, sequence, answer.Body!);
                        break;
                    case AnswerKind.Event:
                        var item = answer.Event!;
                        if (PeerGone(http))
                        {
                            channel.Requeue(item);
                            return EmptyHttpResult.Instance;
                        }

                        WriteEvent(writer, ver, item.Sequence, item.Body);
                        if (!await FlushedAsync(http, writer))
                        {
                            channel.Requeue(item);
                            return EmptyHttpResult.Instance;
                        }

                        channel.Remember(item);
                        sequence = item.Sequence;
                        break;
                    case AnswerKind.Timeout:
                        writer.Write(": ping\n\n"u8);
                        _metrics.Pinged();
                        break;
                    default:
                        // Let go (a newer listen, a revoked client, shutdown) or the client left: the stream ends.
                        _metrics.Answered(answer.Kind);
                        return EmptyHttpResult.Instance;
                }

                if (answer.Kind != AnswerKind.Event && !await FlushedAsync(http, writer))
                {
                    return EmptyHttpResult.Instance;
                }

                if (answer.Kind != AnswerKind.Timeout)
                {
                    Count(answer);
                }
            }
        }
        finally
        {
            registration.Unregister();
            _metrics.StreamsChanged(-1);
            channel.Finish();
        }
    }

    private void Count(in ListenOutcome outcome)
    {
        _metrics.Answered(outcome.Kind);
        if (outcome.WokenAt != 0)
        {
            _metrics.Woken(outcome.WokenAt);
        }
    }

    // "id: <ver>-<sequence>\ndata: <json>\n\n"
    private static void WriteEvent(PipeWriter writer, long ver, long sequence, byte[] body)
    {
        var span = writer.GetSpan(body.Length + 64);
        "id: "u8.CopyTo(span);
        var length = 4;
        Utf8Formatter.TryFormat(ver, span[length..], out var written);
        length += written;
        span[length++] = (byte)'-';
        Utf8Formatter.TryFormat(sequence, span[length..], out written);
        length += written;
        "\ndata: "u8.CopyTo(span[length..]);
        length += 7;
        body.CopyTo(span[length..]);
        length += body.Length;
        "\n\n"u8.CopyTo(span[length..]);
        writer.Advance(length + 2);
    }

    private static async ValueTask<bool> FlushedAsync(HttpContext http, PipeWriter writer)
    {
        try
        {
            var flushed = await writer.FlushAsync();
            return !flushed.IsCanceled && !flushed.IsCompleted && !http.RequestAborted.IsCancellationRequested;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// True when the client has closed or reset the connection, even if the server has not noticed
    /// yet: then an event is put back instead of being written into a connection that is gone.
    /// </summary>
    private static bool PeerGone(HttpContext http)
    {
        if (http.RequestAborted.IsCancellationRequested)
        {
            return true;
        }

        if (http.Features.Get<IConnectionSocketFeature>()?.Socket is not { } socket)
        {
            return false;
        }

        try
        {
            // Readable with nothing to read: the peer's FIN or RST has arrived.
            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }
}
