using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mailroom.Bench;

/// <summary>
/// A minimal SMTP client for the load: one connection, one message in flight. MAIL, RCPT and DATA
/// go out in one write (the server offers PIPELINING), then the message with its terminating dot;
/// the message counts only when its final reply is 250.
/// </summary>
internal sealed class SmtpSession : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private SmtpSession(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new StreamReader(_stream, Encoding.ASCII);
    }

    public static async Task<SmtpSession> OpenAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint, cancellationToken);
        var session = new SmtpSession(socket);
        await session.ExpectAsync("220", cancellationToken);
        await session.WriteAsync("EHLO bench.example\r\n"u8.ToArray(), cancellationToken);
        await session.ExpectAsync("250", cancellationToken);
        return session;
    }

    /// <summary>The envelope and the DATA command, pre-encoded.</summary>
    public static byte[] Envelope(string sender, string recipient) =>
        Encoding.ASCII.GetBytes($"MAIL FROM:<{sender}>\r\nRCPT TO:<{recipient}>\r\nDATA\r\n");

    /// <summary>Sends one message; null when it was accepted, else the reply that refused it.</summary>
    public async Task<string?> SendAsync(byte[] envelope, byte[] dotTerminatedMessage, CancellationToken cancellationToken)
    {
        await WriteAsync(envelope, cancellationToken);
        foreach (var expected in new[] { "250", "250", "354" })
        {
            var reply = await ReadReplyAsync(cancellationToken);
            if (!reply.StartsWith(expected, StringComparison.Ordinal))
            {
                // Out of step now; the caller drops the session.
                return reply;
            }
        }

        await WriteAsync(dotTerminatedMessage, cancellationToken);
        var final = await ReadReplyAsync(cancellationToken);
        return final.StartsWith("250", StringComparison.Ordinal) ? null : final;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await WriteAsync("QUIT\r\n"u8.ToArray(), CancellationToken.None);
        }
        catch (IOException)
        {
            // Gone already.
        }

        _reader.Dispose();
        await _stream.DisposeAsync();
        _socket.Dispose();
    }

    private async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken) => await _stream.WriteAsync(bytes, cancellationToken);

    private async Task ExpectAsync(string code, CancellationToken cancellationToken)
    {
        var reply = await ReadReplyAsync(cancellationToken);
        if (!reply.StartsWith(code, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"SMTP: expected {code}, got {reply}");
        }
    }

    private async Task<string> ReadReplyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancellationToken) ?? throw new IOException("SMTP: the server closed the connection.");
            if (line.Length < 4 || line[3] != '-')
            {
                return line;
            }
        }
    }
}
