namespace Mailroom.Server.Protocol;

/// <summary>
/// Once the server is stopping, calls that arrive on connections still open are answered 503
/// temporarily_unavailable (PROTOCOL.md §3), which clients retry, instead of starting work that
/// the shutdown would cut short. The open protocol's endpoints skip the middleware pipeline and
/// apply <see cref="IsClosed"/> themselves.
/// </summary>
internal sealed class ShutdownGate(RequestDelegate next, IHostApplicationLifetime lifetime)
{
    public static bool IsClosed(IHostApplicationLifetime lifetime) => lifetime.ApplicationStopping.IsCancellationRequested;

    public Task InvokeAsync(HttpContext context) =>
        IsClosed(lifetime)
            ? ProtocolResults.WriteErrorAsync(context, ProtocolErrors.TemporarilyUnavailable)
            : next(context);
}
