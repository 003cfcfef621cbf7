using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Protocol;

/// <summary>
/// Kestrel's socket transport for TCP listeners, with the choice of <see cref="ConnectionScheduling"/>
/// made per connection: Kestrel's own transport fixes it for all. Other endpoints (Unix sockets,
/// inherited handles) stay with Kestrel's, which is registered before this one.
/// </summary>
internal sealed class SchedulingSocketTransport(IOptions<SocketTransportOptions> sockets, ConnectionScheduling scheduling, ILoggerFactory loggers)
    : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public bool CanBind(EndPoint endpoint) => endpoint is IPEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var options = sockets.Value;
        Socket socket;
        try
        {
            socket = options.CreateBoundListenSocket(endpoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            // Kestrel tells a taken port by this type (and then, for "localhost", tries the other family).
            throw new AddressInUseException(e.Message, e);
        }

        try
        {
            socket.Listen(options.Backlog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var logger = loggers.CreateLogger<SchedulingSocketListener>();
        return new(new SchedulingSocketListener(socket, options.NoDelay, scheduling, Factory(options, inline: true, logger), Factory(options, inline: false, logger), logger));
    }

    private static SocketConnectionContextFactory Factory(SocketTransportOptions options, bool inline, ILogger logger)
    {
        var connections = OptionsOf(options);
        connections.UnsafePreferInlineScheduling = inline;

        // The few inline connections keep a receive buffer while idle (a page each) rather than
        // first waiting for data with a zero-byte read: one system call less per request.
        connections.WaitForDataBeforeAllocatingBuffer &= !inline;
        return new SocketConnectionContextFactory(connections, logger);
    }

    // The constructor Kestrel's own listener uses: it copies every setting, the memory pool
    // included, which the public options cannot carry (its setter is internal). Without it the
    // connections would get MemoryPool<byte>.Shared, on which Kestrel's response writer fails.
    // Should a Kestrel update remove it, binding throws MissingMethodException: every test fails.
    [UnsafeAccessor(UnsafeAccessorKind.Constructor)]
    private static extern SocketConnectionFactoryOptions OptionsOf(SocketTransportOptions transport);
}
