using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Protocol;

/// <summary>Builds the <see cref="ApiRequest"/> of a call and keeps it on the HttpContext.</summary>
internal static class ProtocolRequests
{
    public static async Task<Result<ApiRequest>> ReadAsync(HttpContext context, string endpoint)
    {
        var limits = context.RequestServices.GetRequiredService<IOptions<ProtocolLimits>>().Value;
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
        var pattern = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "";
        pattern = pattern.Trim('/');
        return pattern.StartsWith("openapi/", StringComparison.OrdinalIgnoreCase) ? pattern["openapi/".Length..] : pattern;
    }
}
