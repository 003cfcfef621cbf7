using Mailroom.Server.Protocol;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Mailroom.Server.Auth;

/// <summary>
/// Guards every /openapi/* call (PROTOCOL.md §2.2, §8): reads its parameters, accepts any valid
/// token among the Authorization header and access_token parameters, enforces the enterprise's
/// allowed addresses and rate limit, turns faults into internal_error, and logs every refusal.
/// These calls skip the middleware pipeline, so the guard also keeps <see cref="ShutdownGate"/>'s
/// rule. Directory endpoints get it as an endpoint filter (<see cref="AuthExtensions.RequireOpenApiAccess"/>);
/// /openapi/listen, the hottest path, calls <see cref="RunAsync"/> straight from its request delegate.
/// </summary>
internal sealed partial class OpenApiAccess(TokenService tokens, RateGate rates, OperationLog operations, IOptions<ProtocolLimits> limits, IHostApplicationLifetime lifetime, ILogger<OpenApiAccess> logger)
{
    /// <summary>
    /// Runs <paramref name="handler"/> for an admitted call, or answers the refusal; then writes the
    /// handler's result (an <see cref="IResult"/>) unless the handler wrote the answer itself.
    /// </summary>
    public async Task RunAsync<TState>(HttpContext http, TState state, Func<HttpContext, TState, ApiRequest, ValueTask<object?>> handler)
    {
        if (ShutdownGate.IsClosed(lifetime))
        {
            await ProtocolResults.WriteErrorAsync(http, ProtocolErrors.TemporarilyUnavailable);
            return;
        }

        var read = await ProtocolRequests.ReadAsync(http, ProtocolRequests.EndpointName(http), limits.Value);
        var request = http.GetApiRequest();
        try
        {
            var result = read.Error is { } readError ? ProtocolResults.Error(readError) : Refusal(http, request) ?? await handler(http, state, request);
            if (result is IResult answer)
            {
                // A refusal is in the operation log before the caller sees it, as durable as an
                // answered write (a crash right after the answer loses no line).
                if (ProtocolResults.ErrorOf(answer) is { } refused && !request.Recorded)
                {
                    await operations.RecordRefusalAsync(request, refused);
                }

                await answer.ExecuteAsync(http);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            LogFault(logger, e, request.Endpoint, http.TraceIdentifier);
            var error = ProtocolErrors.Internal(http.TraceIdentifier);
            if (!http.Response.HasStarted)
            {
                await ProtocolResults.WriteErrorAsync(http, error);
            }

            request.MarkRefused(error);
        }

        if (request.RefusedWith is { } refusal && !request.Recorded)
        {
            await operations.RecordRefusalAsync(request, refusal);
        }
    }

    // Null when the caller may go on: a valid token, an allowed address, within the rate limit.
    private IResult? Refusal(HttpContext http, ApiRequest request)
    {
        var check = Authenticate(http, request);
        if (check.Verdict != TokenVerdict.Valid)
        {
            return ProtocolResults.Error(check.Verdict == TokenVerdict.ApiDisabled ? ProtocolErrors.ApiDisabled : ProtocolErrors.InvalidToken);
        }

        var client = check.Client!;
        request.Caller = client.Caller;
        if (!client.Allows(request.Source))
        {
            return ProtocolResults.Error(ProtocolErrors.AddressBlocked);
        }

        return rates.Take(client.Key, client.RateLimit) is { } wait ? ProtocolResults.Error(ProtocolErrors.RateExceeded, wait) : null;
    }

    // Any candidate may carry the valid token: "Bearer <t>" with any casing and spacing, or an
    // access_token parameter in the query, form or multipart body (§2.2, §9).
    private TokenCheck Authenticate(HttpContext http, ApiRequest request)
    {
        var best = TokenCheck.Invalid;
        foreach (var header in http.Request.Headers[HeaderNames.Authorization])
        {
            var value = (header ?? "").AsSpan().Trim();
            var space = value.IndexOfAny(' ', '\t');
            if (space > 0)
            {
                best = Better(best, tokens.Check(value[(space + 1)..].Trim()));
            }
        }

        var candidates = request.Parameters.GetAll("access_token");
        for (var i = 0; i < candidates.Count; i++)
        {
            best = Better(best, tokens.Check(candidates[i]));
        }

        return best;
    }

    private static TokenCheck Better(TokenCheck a, TokenCheck b) => b.Verdict > a.Verdict ? b : a;

    [LoggerMessage(EventId = 2101, Level = LogLevel.Error, Message = "Open-protocol call {Endpoint} failed (reference {CorrelationId})")]
    private static partial void LogFault(ILogger logger, Exception exception, string endpoint, string correlationId);
}
