using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Protocol;

/// <summary>Builds the <see cref="ApiRequest"/> of a call and keeps it on the HttpContext.</summary>
internal static class ProtocolRequests
{
    private static readonly ConcurrentDictionary<string, string> EndpointNames = new(StringComparer.Ordinal);

    public static ValueTask<Result<ApiRequest>> ReadAsync(HttpContext context, string endpoint) =>
        ReadAsync(context, endpoint, context.RequestServices.GetRequiredService<IOptions<ProtocolLimits>>().Value);

    public static async ValueTask<Result<ApiRequest>> ReadAsync(HttpContext context, string endpoint, ProtocolLimits limits)
    {
        var source = context.Connection.RemoteIpAddress;
        var parameters = await RequestParameterReader.ReadAsync(context.Request, limits, context.RequestAborted);

        // A request whose parameters could not be read is still logged, with none of them.
        var request = new ApiRequest(endpoint, parameters.Value ?? new RequestParameters(), source);
        context.Features.Set(request);
        return parameters.Error is { } error ? error : request;
    }

    /// <summary>The call's request; set by the protocol filters before any handler runs.</summary>
    public static ApiRequest GetApiRequest(this HttpContext context) =>
        context.Features.Get<ApiRequest>() ?? throw new InvalidOperationException("The protocol filter did not run.");

    /// <summary>"user/get" for "/openapi/user/get": the endpoint's name in logs and the operation log.</summary>
    public static string EndpointName(HttpContext context)
    {
        if (context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } pattern })
        {
            // Route patterns are few and fixed: each is named once, not on every call.
            return EndpointNames.GetOrAdd(pattern, NameOf);
        }

        return NameOf(context.Request.Path.Value ?? "");
    }

    private static string NameOf(string path)
    {
        var name = path.AsSpan().Trim('/');
        return (name.StartsWith("openapi/", StringComparison.OrdinalIgnoreCase) ? name["openapi/".Length..] : name).ToString();
    }
}
