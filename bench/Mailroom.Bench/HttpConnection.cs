using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mailroom.Bench;

/// <summary>
/// A minimal HTTP/1.1 keep-alive client over one socket, cheap enough that the load generator
/// barely competes with the server for CPU: requests are pre-encoded bytes, and of a response it
/// parses only the status line and the framing headers, keeping the first bytes of the body for
/// checks. One request at a time. A blocking connection makes plain blocking socket calls, as a
/// C client such as ldapadd does: no event loop or thread-pool hop per call, on the thread it owns.
/// </summary>
internal sealed class HttpConnection : IDisposable
{
    /// <summary>How many leading body bytes <see cref="Head"/> keeps.</summary>
    public const int HeadCapacity = 512;

    private readonly Socket _socket;
    private readonly bool _blocking;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly byte[] _head = new byte[HeadCapacity];
    private int _start;
    private int _end;
    private int _headLength;

    private HttpConnection(Socket socket, bool blocking)
    {
        _socket = socket;
        _blocking = blocking;
    }

    /// <summary>The first bytes of the last response's body (up to <see cref="HeadCapacity"/>).</summary>
    public ReadOnlySpan<byte> Head => _head.AsSpan(0, _headLength);

    public static async Task<HttpConnection> OpenAsync(IPEndPoint endPoint, CancellationToken cancellationToken) =>
        await OpenAsync(endPoint, blocking: false, cancellationToken);

    /// <summary>Connects; a blocking connection's socket never sees an asynchronous call, which would make it non-blocking for good.</summary>
    public static async Task<HttpConnection> OpenAsync(IPEndPoint endPoint, bool blocking, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (blocking)
            {
#pragma warning disable VSTHRD103 // Deliberately blocking: see the summary.
                socket.Connect(endPoint);
#pragma warning restore VSTHRD103
            }
            else
            {
                await socket.ConnectAsync(endPoint, cancellationToken);
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new HttpConnection(socket, blocking);
    }

    /// <summary>Sends one request and reads its whole response.</summary>
    /// <exception cref="IOException">The server closed the connection.</exception>
    /// <exception cref="InvalidDataException">The response is not HTTP/1.1 framed by Content-Length.</exception>
    /// <exception cref="SocketException">The connection failed.</exception>
    public async ValueTask<HttpResponse> SendAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        while (!request.IsEmpty)
        {
            var sent = _blocking ? _socket.Send(request.Span) : await _socket.SendAsync(request, SocketFlags.None, cancellationToken);
            request = request[sent..];
        }

        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
        {
            await FillAsync(cancellationToken);
        }

        var response = ParseHeaders(_buffer.AsSpan(_start, headerEnd));
        _start += headerEnd + 4;

        var remaining = response.ContentLength;
        var available = (int)Math.Min(_end - _start, remaining);
        _headLength = Math.Min(available, HeadCapacity);
        _buffer.AsSpan(_start, _headLength).CopyTo(_head);
        _start += available;
        remaining -= available;
        while (remaining > 0)
        {
            // The body is skipped through the whole buffer; only its head is kept.
            _start = _end = 0;
            var read = await ReceiveAsync(_buffer, cancellationToken);
            var taken = (int)Math.Min(read, remaining);
            var more = Math.Min(taken, HeadCapacity - _headLength);
            _buffer.AsSpan(0, more).CopyTo(_head.AsSpan(_headLength));
            _headLength += more;
            _start = taken;
            _end = read;
            remaining -= taken;
        }

        if (_start == _end)
        {
            _start = _end = 0;
        }

        return response;
    }

    public void Dispose() => _socket.Dispose();

    private static HttpResponse ParseHeaders(ReadOnlySpan<byte> headers)
    {
        // "HTTP/1.1 200 OK"
        if (headers.Length < 12 || !headers.StartsWith("HTTP/1.1 "u8) || !Utf8Parser.TryParse(headers.Slice(9, 3), out int status, out var used) || used != 3)
        {
            throw new InvalidDataException("Not an HTTP/1.1 status line: " + Printable(headers[..Math.Min(headers.Length, 40)]));
        }

        long contentLength = -1;
        var close = false;
        var line = headers.IndexOf("\r\n"u8);
        var rest = line < 0 ? [] : headers[(line + 2)..];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf("\r\n"u8);
            var header = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 2)..];
            var colon = header.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var name = header[..colon];
            var value = header[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!Utf8Parser.TryParse(value, out contentLength, out var length) || length != value.Length || contentLength < 0)
                {
                    throw new InvalidDataException("Bad Content-Length: " + Printable(value));
                }
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                throw new InvalidDataException("A response without Content-Length (Transfer-Encoding: " + Printable(value) + ").");
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8) && Ascii.EqualsIgnoreCase(value, "close"u8))
            {
                close = true;
            }
        }

        if (contentLength < 0)
        {
            throw new InvalidDataException($"HTTP {status} without Content-Length.");
        }

        return new HttpResponse(status, contentLength, close);
    }

    private static string Printable(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes);

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_end == _buffer.Length)
        {
            if (_start == 0)
            {
                throw new InvalidDataException("Response headers larger than the buffer.");
            }

            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        _end += await ReceiveAsync(_buffer.AsMemory(_end), cancellationToken);
    }

    private async ValueTask<int> ReceiveAsync(Memory<byte> into, CancellationToken cancellationToken)
    {
        var read = _blocking ? _socket.Receive(into.Span) : await _socket.ReceiveAsync(into, SocketFlags.None, cancellationToken);
        return read == 0 ? throw new IOException("The server closed the connection.") : read;
    }
}
