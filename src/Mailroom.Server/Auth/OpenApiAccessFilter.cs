using Mailroom.Server.Protocol;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Mailroom.Server.Auth;

/// <summary>
/// Guards every /openapi/* call (PROTOCOL.md §2.2, §8): reads its parameters, accepts any valid
/// token among the Authorization header and access_token parameters, enforces the enterprise's
/// allowed addresses and rate limit, turns faults into internal_error, and logs every refusal.
/// </summary>
internal sealed partial class OpenApiAccessFilter(TokenService tokens, RateGate rates, OperationLog operations, IOptions<ProtocolLimits> limits, ILogger<OpenApiAccessFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var read = await ProtocolRequests.ReadAsync(http, ProtocolRequests.EndpointName(http), limits.Value);
        var request = http.GetApiRequest();
        object? result;
        try
        {
            result = read.Error is { } readError ? ProtocolResults.Error(readError) : await AuthorizeAndRunAsync(context, next, request);
            if (result is IResult answer)
            {
                // A refusal is in the operation log before the caller sees it, as durable as an
                // answered write (a crash right after the answer loses no line).
                if (ProtocolResults.ErrorOf(answer) is { } refused && !request.Recorded)
                {
                    await operations.RecordRefusalAsync(request, refused);
                }

                await answer.ExecuteAsync(http);
                result = EmptyHttpResult.Instance;
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
            result = EmptyHttpResult.Instance;
        }

        if (request.RefusedWith is { } refusal && !request.Recorded)
        {
            await operations.RecordRefusalAsync(request, refusal);
        }

        return result;
    }

    private async ValueTask<object?> AuthorizeAndRunAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, ApiRequest request)
    {
        var check = Authenticate(context.HttpContext, request);
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

        if (rates.Take(client.Key, client.RateLimit) is { } wait)
        {
            return ProtocolResults.Error(ProtocolErrors.RateExceeded, wait);
        }

        return await next(context);
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
