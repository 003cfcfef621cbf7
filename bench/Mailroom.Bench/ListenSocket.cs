using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mailroom.Bench;

/// <summary>
/// One long-poll client connection, as light as a connection can be so that thousands fit in a
/// load generator: a pre-encoded listen request whose 13-digit Ver is patched in place, a small
/// receive buffer, and a parser for the status, Content-Length and a {"Ver":"…"} body.
/// </summary>
internal sealed class ListenSocket : IDisposable
{
    /// <summary>Versions look like millisecond timestamps: 13 digits (PROTOCOL.md §6.1).</summary>
    public const int VerDigits = 13;

    private readonly Socket _socket;
    private readonly byte[] _request;
    private readonly byte[] _buffer = new byte[512];
    private int _end;

    private ListenSocket(Socket socket, byte[] request)
    {
        _socket = socket;
        _request = request;
    }

    /// <summary>The Ver of the last version answer (the next listen sends it).</summary>
    public long Ver { get; private set; }

    /// <summary>
    /// A listen as most clients send it: POST with a urlencoded body carrying Ver (the digits last),
    /// the token as a Bearer header. The bare server gets the same bytes on its own path.
    /// </summary>
    public static byte[] Request(string path, string token) =>
        Encoding.ASCII.GetBytes(
            $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n" +
            $"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {4 + VerDigits}\r\n\r\nVer={new string('0', VerDigits)}");

    public static async Task<ListenSocket> OpenAsync(IPEndPoint server, IPAddress bind, byte[] request, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(bind, 0));
            await socket.ConnectAsync(server, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new ListenSocket(socket, [.. request]);
    }

    public async ValueTask SendAsync(long ver, CancellationToken cancellationToken)
    {
        Utf8Formatter.TryFormat(ver, _request.AsSpan(_request.Length - VerDigits), out _, new System.Buffers.StandardFormat('D', VerDigits));
        var remaining = _request.AsMemory();
        while (!remaining.IsEmpty)
        {
            remaining = remaining[await _socket.SendAsync(remaining, SocketFlags.None, cancellationToken)..];
        }
    }

    /// <summary>Reads one answer: the Ver it announces, or 0 for another answer of status 200 ({"Ret":0}).</summary>
    /// <exception cref="InvalidDataException">Not a 200 answer framed by Content-Length.</exception>
    /// <exception cref="IOException">The server closed the connection.</exception>
    public async ValueTask<long> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryParse(out var consumed, out var ver))
            {
                _buffer.AsSpan(consumed, _end - consumed).CopyTo(_buffer);
                _end -= consumed;
                if (ver > 0)
                {
                    Ver = ver;
                }

                return ver;
            }

            if (_end == _buffer.Length)
            {
                throw new InvalidDataException("An answer larger than the buffer.");
            }

            var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
            _end += read == 0 ? throw new IOException("The server closed the connection.") : read;
        }
    }

    /// <summary>Closes with a reset, so that neither side keeps the port in TIME_WAIT across runs.</summary>
    public void Dispose()
    {
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
            // Already gone.
        }

        _socket.Dispose();
    }

    private bool TryParse(out int consumed, out long ver)
    {
        consumed = 0;
        ver = 0;
        var data = _buffer.AsSpan(0, _end);
        var headerEnd = data.IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0)
        {
            return false;
        }

        var headers = data[..headerEnd];
        if (!headers.StartsWith("HTTP/1.1 200 "u8))
        {
            throw new InvalidDataException("Answer: " + Encoding.ASCII.GetString(headers[..Math.Min(headers.Length, 60)]));
        }

        var at = headers.IndexOf("\r\nContent-Length: "u8);
        if (at < 0)
        {
            throw new InvalidDataException("An answer without Content-Length.");
        }

        var lengthText = headers[(at + 18)..];
        var lineEnd = lengthText.IndexOf("\r\n"u8);
        if (!Utf8Parser.TryParse(lineEnd < 0 ? lengthText : lengthText[..lineEnd], out int length, out _))
        {
            throw new InvalidDataException("A bad Content-Length.");
        }

        if (data.Length < headerEnd + 4 + length)
        {
            return false;
        }

        var body = data.Slice(headerEnd + 4, length);
        consumed = headerEnd + 4 + length;
        if (body.StartsWith("{\"Ver\":\""u8) && Utf8Parser.TryParse(body[8..], out long announced, out _))
        {
            ver = announced;
        }
        else if (!body.SequenceEqual("{\"Ret\":0}"u8))
        {
            throw new InvalidDataException("Answer body: " + Encoding.UTF8.GetString(body[..Math.Min(body.Length, 80)]));
        }

        return true;
    }
}
