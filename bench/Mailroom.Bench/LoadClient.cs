using System.Net;
using System.Net.Sockets;

namespace Mailroom.Bench;

/// <summary>
/// One load-generating connection: sends a request, checks the answer, and reconnects after the
/// server closed or broke the connection, so one failure costs one counted error, not the run.
/// </summary>
internal sealed class LoadClient(IPEndPoint endPoint, HttpConnection connection, bool blocking) : IDisposable
{
    private HttpConnection? _connection = connection;

    /// <summary>Opens the client; a blocking one (see <see cref="HttpConnection"/>) holds its caller's thread in every call.</summary>
    public static async Task<LoadClient> OpenAsync(IPEndPoint endPoint, bool blocking, CancellationToken cancellationToken) =>
        new(endPoint, await HttpConnection.OpenAsync(endPoint, blocking, cancellationToken), blocking);

    /// <summary>True when the call got the expected answer; otherwise the failure is in <paramref name="errors"/>.</summary>
    public async ValueTask<bool> CallAsync(byte[] request, ResponseCheck check, ErrorLog errors, CancellationToken cancellationToken)
    {
        try
        {
            _connection ??= await HttpConnection.OpenAsync(endPoint, blocking, cancellationToken);
            var response = await _connection.SendAsync(request, cancellationToken);
            var ok = response.Status == 200 && check(response, _connection.Head);
            if (!ok)
            {
                errors.Add(response, _connection.Head);
            }

            if (response.Close)
            {
                Reset();
            }

            return ok;
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidDataException)
        {
            errors.Add(e);
            Reset();
            return false;
        }
    }

    public void Dispose() => Reset();

    private void Reset()
    {
        _connection?.Dispose();
        _connection = null;
    }
}
