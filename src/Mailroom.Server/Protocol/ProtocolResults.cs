using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Mailroom.Contracts;

namespace Mailroom.Server.Protocol;

/// <summary>
/// The three kinds of protocol answer (PROTOCOL.md §3): a JSON body (ASCII-only, the default
/// encoder escapes every non-ASCII character), an empty body for a write, or an error body.
/// </summary>
internal static class ProtocolResults
{
    public static IResult Empty { get; } = new EmptyBody();

    public static IResult Json<T>(T value, JsonTypeInfo<T> typeInfo) =>
        new JsonBody(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), StatusCodes.Status200OK);

    /// <summary>A JSON body already serialized (ASCII-only, as <see cref="Json"/> writes it).</summary>
    public static IResult JsonBytes(byte[] json) => new JsonBody(json, StatusCodes.Status200OK);

    public static IResult Error(ProtocolError error, TimeSpan? retryAfter = null) => new ErrorBody(error, retryAfter);

    public static IResult From<T>(Result<T> result, Func<T, IResult> onSuccess) =>
        result.Error is { } error ? Error(error) : onSuccess(result.Value!);

    public static IResult FromWrite(Result<Done> result) => result.Error is { } error ? Error(error) : Empty;

    /// <summary>Chinese texts when the caller asks for them (Accept-Language: zh…).</summary>
    public static bool PrefersChinese(HttpContext context) =>
        context.Request.Headers.AcceptLanguage.ToString().StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    /// <summary>The protocol error <paramref name="result"/> answers with, or null when it is not an error.</summary>
    public static ProtocolError? ErrorOf(IResult result) => (result as ErrorBody)?.Error;

    public static Task WriteErrorAsync(HttpContext context, ProtocolError error, TimeSpan? retryAfter = null) =>
        new ErrorBody(error, retryAfter).ExecuteAsync(context);

    private static Task WriteAsync(HttpContext context, byte[] body, int status)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    private sealed class EmptyBody : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentLength = 0;
            return Task.CompletedTask;
        }
    }

    private sealed class JsonBody(byte[] body, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, body, status);
    }

    private sealed class ErrorBody(ProtocolError error, TimeSpan? retryAfter) : IResult
    {
        public ProtocolError Error => error;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Features.Get<ApiRequest>()?.MarkRefused(error);
            if (retryAfter is { } wait)
            {
                httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            var body = new ErrorResponse(error.Code, error.Error, error.MessageFor(PrefersChinese(httpContext)));
            return WriteAsync(httpContext, JsonSerializer.SerializeToUtf8Bytes(body, ContractsJsonContext.Default.ErrorResponse), error.HttpStatus);
        }
    }
}
