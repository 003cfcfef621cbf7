using System.Net;
using Mailroom.Server.Auth;
using Mailroom.Server.Protocol;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Push;

/// <summary><c>/openapi/listen</c> (PROTOCOL.md §5) and the Prometheus endpoint <c>/metrics</c>.</summary>
internal static class PushEndpoints
{
    private static readonly string[] GetAndPost = ["GET", "POST"];

    /// <summary>
    /// Maps the endpoints. /openapi/listen applies <see cref="OpenApiAccess"/> itself: a plain request
    /// delegate, without the parameter binding and filter layers a route handler would add to every
    /// held listen (each one an allocation and a hop when the listen is answered).
    /// </summary>
    public static RouteGroupBuilder MapPush(this IEndpointRouteBuilder routes)
    {
        MapMetrics(routes);
        var access = routes.ServiceProvider.GetRequiredService<OpenApiAccess>();
        var listen = routes.ServiceProvider.GetRequiredService<ListenResponder>();
        var group = routes.MapGroup("/openapi").WithTags("Push");
        group.MapMethods("/listen", GetAndPost, http => access.RunAsync(http, listen, static (h, responder, request) => new ValueTask<object?>(responder.ListenAsync(h, request))))
            .WithName("Listen")
            .WithSummary("Long polling: the newer directory version, or a queued event, or {\"Ret\":0} after the hold time; server-sent events with Accept: text/event-stream.");
        return group;
    }

    // Loopback only by default: the figures name no client and no secret, but they tell how busy
    // the server is and how many clients it has, which is for the operator.
    private static void MapMetrics(IEndpointRouteBuilder routes)
    {
        var options = routes.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled)
        {
            return;
        }

        if (!AllowedAddresses.TryParse(options.AllowedAddresses, out var networks, out var invalid))
        {
            throw new InvalidOperationException($"{MetricsOptions.Section}:AllowedAddresses: '{invalid}' is neither an IP address nor a CIDR.");
        }

        routes.MapGet("/metrics", async (HttpContext http, PushMetrics metrics) =>
        {
            if (!Allows(networks, http.Connection.RemoteIpAddress))
            {
                await ProtocolResults.WriteErrorAsync(http, ProtocolErrors.UnknownPath);
                return;
            }

            http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await metrics.Registry.CollectAndExportAsTextAsync(http.Response.Body, http.RequestAborted);
        }).ExcludeFromDescription();
    }

    private static bool Allows(IReadOnlyList<IPNetwork> networks, IPAddress? address)
    {
        if (networks.Count == 0)
        {
            return true;
        }

        if (address is null)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return networks.Any(n => n.Contains(address));
    }
}
