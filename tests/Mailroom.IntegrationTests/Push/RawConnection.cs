using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Mailroom.IntegrationTests.Push;

/// <summary>
/// One HTTP/1.1 keep-alive connection over a raw socket: light enough for thousands at once, and
/// it shows exactly what happens on the connection (several calls on it, data arriving or not, an
/// abrupt close).
/// </summary>
public sealed class RawConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    private RawConnection(Socket socket) => _socket = socket;

    public static async Task<RawConnection> OpenAsync(Uri server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server.Host, server.Port, TestContext.Current.CancellationToken);
        return new RawConnection(socket);
    }

    /// <summary>True when the server has sent something not read yet.</summary>
    public bool HasData => _end > _start || _socket.Available > 0;

    /// <summary>Sends a form POST with a Bearer token (or none).</summary>
    public async Task SendAsync(string path, string? token, string form = "", params string[] headers)
    {
        var body = Encoding.UTF8.GetBytes(form);
        var head = new StringBuilder($"POST {path} HTTP/1.1\r\nHost: localhost\r\n");
        if (token is not null)
        {
            head.Append("Authorization: Bearer ").Append(token).Append("\r\n");
        }

        foreach (var header in headers)
        {
            head.Append(header).Append("\r\n");
        }

        head.Append("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ").Append(body.Length).Append("\r\n\r\n");
        await _socket.SendAsync(Encoding.ASCII.GetBytes(head.ToString()).Concat(body).ToArray(), TestContext.Current.CancellationToken);
    }

    /// <summary>A listen with <paramref name="ver"/> (null: no Ver parameter).</summary>
    public Task SendListenAsync(string token, long? ver) =>
        SendAsync("/openapi/listen", token, ver is null ? "" : $"Ver={ver}");

    /// <summary>Reads one whole response framed by Content-Length.</summary>
    public async Task<RawResponse> ReadResponseAsync()
    {
        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
        {
            await FillAsync();
        }

        var lines = Encoding.ASCII.GetString(_buffer, _start, headerEnd).Split("\r\n");
        _start += headerEnd + 4;
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var length = int.Parse(headers["Content-Length"], System.Globalization.CultureInfo.InvariantCulture);
        while (_end - _start < length)
        {
            await FillAsync();
        }

        var body = Encoding.UTF8.GetString(_buffer, _start, length);
        _start += length;
        return new RawResponse(status, headers, body);
    }

    /// <summary>Closes with a reset (SO_LINGER 0): the server sees the connection gone at once.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public void Dispose() => _socket.Dispose();

    private async Task FillAsync()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), TestContext.Current.CancellationToken);
        if (read == 0)
        {
            throw new IOException("The server closed the connection.");
        }

        _end += read;
    }
}

/// <summary>A response read off a <see cref="RawConnection"/>.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    /// <summary>The Ver of a version answer ({"Ver":"…"}, a string), or null.</summary>
    public long? Ver => Json.TryGetProperty(nameof(Ver), out var ver) ? long.Parse(ver.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : null;

    public bool IsRet => Body == "{\"Ret\":0}";
}
