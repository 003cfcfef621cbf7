namespace Mailroom.Server.Protocol;

/// <summary>
/// Once the server is stopping, calls that arrive on connections still open are answered 503
/// temporarily_unavailable (PROTOCOL.md §3), which clients retry, instead of starting work that
/// the shutdown would cut short.
/// </summary>
internal sealed class ShutdownGate(RequestDelegate next, IHostApplicationLifetime lifetime)
{
    public Task InvokeAsync(HttpContext context) =>
        lifetime.ApplicationStopping.IsCancellationRequested
            ? ProtocolResults.WriteErrorAsync(context, ProtocolErrors.TemporarilyUnavailable)
            : next(context);
}
