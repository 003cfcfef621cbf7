using System.Text;
using Mailroom.Contracts;
using Mailroom.Server.Protocol;
using Microsoft.Net.Http.Headers;

namespace Mailroom.Server.Auth;

/// <summary><c>/cgi-bin/token</c>: the OAuth 2.0 client-credentials grant (PROTOCOL.md §4).</summary>
internal static class TokenEndpoints
{
    private static readonly string[] GetAndPost = ["GET", "POST"];

    public static RouteGroupBuilder MapTokens(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/cgi-bin").WithTags("OAuth");
        group.MapMethods("/token", GetAndPost, IssueAsync)
            .WithName("Token")
            .WithSummary("Issue an access token for client credentials (RFC 6749 §4.4).");
        return group;
    }

    private static async Task IssueAsync(HttpContext http, TokenService tokens, ClientRegistry clients, RateGate rates, OperationLog operations, IHostApplicationLifetime lifetime)
    {
        // The endpoint skips the middleware pipeline (Program.cs), so it keeps ShutdownGate's rule itself.
        if (ShutdownGate.IsClosed(lifetime))
        {
            await ProtocolResults.WriteErrorAsync(http, ProtocolErrors.TemporarilyUnavailable);
            return;
        }

        var read = await ProtocolRequests.ReadAsync(http, "token");
        var request = http.GetApiRequest();
        TokenResponse? issued = null;
        TimeSpan? wait = null;
        var outcome = read.Error ?? Grant(http, request, tokens, clients, rates, out issued, out wait);
        if (outcome is { } error)
        {
            // RFC 6749 §5.2 statuses; a malformed request is 400 (413 stays 413).
            var status = error.Code == "1001" && error.HttpStatus == StatusCodes.Status200OK ? StatusCodes.Status400BadRequest : error.HttpStatus;
            // Logged before answering, so that an answered refusal survives a crash.
            await operations.RecordRefusalAsync(request, error);
            await ProtocolResults.WriteErrorAsync(http, error.WithStatus(status), wait);
            return;
        }

        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        await ProtocolResults.Json(issued!, ContractsJsonContext.Default.TokenResponse).ExecuteAsync(http);
    }

    private static ProtocolError? Grant(HttpContext http, ApiRequest request, TokenService tokens, ClientRegistry clients, RateGate rates, out TokenResponse? issued, out TimeSpan? wait)
    {
        issued = null;
        wait = null;
        var parameters = request.Parameters;
        var grantType = parameters.Get("grant_type");
        if (grantType.Length == 0)
        {
            return ProtocolErrors.Missing("grant_type");
        }

        if (!string.Equals(grantType, "client_credentials", StringComparison.Ordinal))
        {
            return ProtocolErrors.UnsupportedGrantType;
        }

        var (clientId, secret) = BasicCredentials(http) ?? (parameters.Get("client_id"), parameters.Get("client_secret"));
        request.ClaimedClientId = clientId;
        if (clientId.Length == 0)
        {
            return ProtocolErrors.Missing("client_id");
        }

        var client = clients.ByClientId(clientId);
        if (client is null || !InterfaceKeys.Matches(client, secret))
        {
            return ProtocolErrors.InvalidClient;
        }

        request.Caller = client.Caller;
        if (!client.ApiEnabled)
        {
            return ProtocolErrors.ApiDisabled.WithStatus(StatusCodes.Status403Forbidden);
        }

        if (!client.Allows(request.Source))
        {
            return ProtocolErrors.AddressBlocked.WithStatus(StatusCodes.Status429TooManyRequests);
        }

        wait = rates.Take(client.Key, client.RateLimit);
        if (wait is not null)
        {
            return ProtocolErrors.RateExceeded.WithStatus(StatusCodes.Status429TooManyRequests);
        }

        issued = new TokenResponse(tokens.Issue(client), "Bearer", tokens.LifetimeSeconds, "");
        return null;
    }

    // RFC 6749 §2.3.1: client_id and client_secret may come as HTTP Basic credentials.
    private static (string ClientId, string Secret)? BasicCredentials(HttpContext http)
    {
        var header = http.Request.Headers[HeaderNames.Authorization].ToString().AsSpan().Trim();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var encoded = header[6..].Trim().ToString();
        Span<byte> bytes = stackalloc byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, bytes, out var length))
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(bytes[..length]);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : (Uri.UnescapeDataString(text[..colon]).Trim(), Uri.UnescapeDataString(text[(colon + 1)..]).Trim());
    }
}
