using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Mailroom.Server.Protocol;

/// <summary>One bound TCP listener of <see cref="SchedulingSocketTransport"/>: accepts as Kestrel's does, then lets <see cref="ConnectionScheduling"/> pick how the connection runs.</summary>
internal sealed partial class SchedulingSocketListener(
    Socket listenSocket,
    bool noDelay,
    ConnectionScheduling scheduling,
    SocketConnectionContextFactory inline,
    SocketConnectionContextFactory pooled,
    ILogger logger) : IConnectionListener
{
    public EndPoint EndPoint { get; } = listenSocket.LocalEndPoint!;

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listenSocket.AcceptAsync(cancellationToken);
            }
            catch (ObjectDisposedException)
            {
                return null;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.OperationAborted)
            {
                return null;
            }
            catch (SocketException e)
            {
                // The peer reset the connection before it was accepted: nothing to serve.
                LogAcceptFailed(logger, e.SocketErrorCode);
                continue;
            }

            socket.NoDelay = noDelay;
            var runsInline = scheduling.Admit();
            try
            {
                var connection = (runsInline ? inline : pooled).Create(socket);
                connection.ConnectionClosed.Register(() => scheduling.Closed(runsInline));
                return connection;
            }
            catch
            {
                scheduling.Closed(runsInline);
                socket.Dispose();
                throw;
            }
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        listenSocket.Dispose();
        return default;
    }

    public ValueTask DisposeAsync()
    {
        listenSocket.Dispose();
        inline.Dispose();
        pooled.Dispose();
        return default;
    }

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "A connection was reset before it was accepted ({Error})")]
    private static partial void LogAcceptFailed(ILogger logger, SocketError error);
}
