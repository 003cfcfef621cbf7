using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;

namespace Mailroom.Server.Mail;

/// <summary>
/// Opens the SMTP listening sockets for the library and runs their accept loops. Accept errors are
/// classified: a client that vanished while being accepted is logged at Debug and the loop goes
/// on; resource pressure (out of descriptors or buffers) backs off before accepting again; any
/// other error is logged and backed off too, so that a broken socket cannot spin the loop.
/// <see cref="StopAccepting"/> closes the sockets (new connections are refused) while running
/// sessions go on: the library's own shutdown would cancel them.
/// </summary>
internal sealed partial class SmtpListenerFactory(TimeProvider time, ILogger<SmtpListenerFactory> logger) : IEndpointListenerFactory, IDisposable
{
    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger;
    private static readonly TimeSpan PressureBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan FaultBackoff = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<Listener, bool> _listeners = new();
    private readonly CancellationTokenSource _stopped = new();

    public event Action<SmtpBinding>? Bound;

    public IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
    {
        ArgumentNullException.ThrowIfNull(endpointDefinition);
        var socket = new TcpListener(endpointDefinition.Endpoint);
        socket.Start(backlog: 512);
        var listener = new Listener(this, socket);
        _listeners.TryAdd(listener, true);
        if (_stopped.IsCancellationRequested)
        {
            listener.Dispose();
        }

        Bound?.Invoke(new SmtpBinding((IPEndPoint)socket.LocalEndpoint, endpointDefinition.AuthenticationRequired));
        return listener;
    }

    /// <summary>Closes every listening socket; accept loops then wait for the server's cancellation.</summary>
    public void StopAccepting()
    {
        _stopped.Cancel();
        foreach (var listener in _listeners.Keys)
        {
            listener.Dispose();
        }
    }

    public void Dispose() => _stopped.Dispose();

    [LoggerMessage(EventId = 6201, Level = LogLevel.Debug, Message = "An SMTP client left while being accepted ({Error})")]
    private static partial void LogClientGone(ILogger logger, SocketError error);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Warning, Message = "Accepting SMTP connections failed for lack of resources ({Error}); backing off")]
    private static partial void LogPressure(ILogger logger, SocketError error);

    [LoggerMessage(EventId = 6203, Level = LogLevel.Error, Message = "Accepting SMTP connections failed; backing off")]
    private static partial void LogAcceptFailed(ILogger logger, Exception exception);

    private sealed class Listener(SmtpListenerFactory factory, TcpListener socket) : IEndpointListener
    {
        private int _disposed;

        public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(context);
            while (true)
            {
                if (factory._stopped.IsCancellationRequested)
                {
                    // Not accepting any more: wait for the server to end the loop.
                    await Task.Delay(Timeout.InfiniteTimeSpan, factory._time, cancellationToken);
                }

                try
                {
                    var client = await socket.AcceptSocketAsync(cancellationToken);
                    client.NoDelay = true;
                    context.Properties[EndpointListener.LocalEndPointKey] = client.LocalEndPoint!;
                    context.Properties[EndpointListener.RemoteEndPointKey] = client.RemoteEndPoint!;
                    return new SmtpConnection(client);
                }
                catch (OperationCanceledException)
                {
                    throw;
                }
                catch (Exception) when (factory._stopped.IsCancellationRequested)
                {
                    // The socket was closed by StopAccepting.
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Interrupted)
                {
                    LogClientGone(factory._logger, e.SocketErrorCode);
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                {
                    LogPressure(factory._logger, e.SocketErrorCode);
                    await Task.Delay(PressureBackoff, factory._time, cancellationToken);
                }
                catch (Exception e) when (e is SocketException or IOException or InvalidOperationException or ObjectDisposedException)
                {
                    LogAcceptFailed(factory._logger, e);
                    await Task.Delay(FaultBackoff, factory._time, cancellationToken);
                }
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                socket.Stop();
                socket.Dispose();
            }
        }
    }
}
