using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Protocol;

internal static class ProtocolExtensions
{
    public static WebApplicationBuilder AddProtocol(this WebApplicationBuilder builder)
    {
        var limits = builder.Configuration.GetSection(ProtocolLimits.Section);
        builder.Services.AddOptions<ProtocolLimits>().Bind(limits);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ServerActivity>();
        builder.Services.Configure<RouteOptions>(o => o.LowercaseUrls = true);
        builder.Services.AddOptions<TransportOptions>().BindConfiguration(TransportOptions.Section);
        builder.Services.AddSingleton(services => new ConnectionScheduling(services.GetRequiredService<IOptions<TransportOptions>>().Value.InlineLimit));

        // After Kestrel's socket transport, so that Kestrel asks this one first for TCP listeners.
        builder.Services.AddSingleton<IConnectionListenerFactory, SchedulingSocketTransport>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = (limits.Get<ProtocolLimits>() ?? new ProtocolLimits()).DrainLimitBytes;
        });
        return builder;
    }

    public static IApplicationBuilder UseShutdownGate(this IApplicationBuilder app) => app.UseMiddleware<ShutdownGate>();

    /// <summary>
    /// Notes every request in <see cref="ServerActivity"/>. It must come before routing, which
    /// runs the open protocol's short-circuited endpoints itself.
    /// </summary>
    public static IApplicationBuilder UseServerActivity(this IApplicationBuilder app)
    {
        var activity = app.ApplicationServices.GetRequiredService<ServerActivity>();
        return app.Use((context, next) =>
        {
            activity.RequestStarted();
            return next(context);
        });
    }

    /// <summary>Unknown paths get the protocol's error body with HTTP 404 (PROTOCOL.md §3).</summary>
    public static IEndpointConventionBuilder MapUnknownPaths(this IEndpointRouteBuilder routes) =>
        routes.MapFallback((HttpContext http) => ProtocolResults.WriteErrorAsync(http, ProtocolErrors.UnknownPath));
}
