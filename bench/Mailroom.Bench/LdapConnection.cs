using System.Net;
using System.Net.Sockets;

namespace Mailroom.Bench;

/// <summary>
/// One LDAP connection with plain blocking socket calls, as ldapadd makes them and as the blocking
/// <see cref="HttpConnection"/> makes Mailroom's: requests are pre-encoded, one at a time.
/// </summary>
internal sealed class LdapConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private LdapConnection(Socket socket) => _socket = socket;

    public static LdapConnection Open(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Connect(endPoint);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new LdapConnection(socket);
    }

    /// <summary>Sends one request and returns the result code of its response (0: success).</summary>
    /// <exception cref="IOException">slapd closed the connection.</exception>
    /// <exception cref="InvalidDataException">The response is not one the reference reads.</exception>
    public int Call(ReadOnlySpan<byte> request)
    {
        while (!request.IsEmpty)
        {
            request = request[_socket.Send(request)..];
        }

        int? length;
        while ((length = LdapMessages.MessageLength(_buffer.AsSpan(_start, _end - _start))) is null || _end - _start < length)
        {
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new InvalidDataException("an LDAP response larger than the reference reads");
            }

            var read = _socket.Receive(_buffer.AsSpan(_end));
            if (read == 0)
            {
                throw new IOException("slapd closed the connection");
            }

            _end += read;
        }

        var code = LdapMessages.ResultCode(_buffer.AsSpan(_start, length.Value));
        _start += length.Value;
        return code;
    }

    public void Dispose() => _socket.Dispose();
}
