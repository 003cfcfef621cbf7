using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Mailroom.Server.Protocol;

/// <summary>
/// Reads a request's parameters from its query string and body (PROTOCOL.md §2.1): multipart when
/// labelled so, a JSON object when the body starts with '{', otherwise a urlencoded form whatever
/// the Content-Type says.
/// </summary>
internal static class RequestParameterReader
{
    // Most bodies fit: the first read buffer, and the largest body parsed where it arrived.
    private const int SmallBody = 4096;

    public static async ValueTask<Result<RequestParameters>> ReadAsync(HttpRequest request, ProtocolLimits limits, CancellationToken cancellationToken)
    {
        var parameters = new RequestParameters();
        var query = request.QueryString.Value;
        if (!string.IsNullOrEmpty(query)
            && !FormDecoder.TryDecode(Encoding.UTF8.GetBytes(query[1..]), parameters, fromBody: false))
        {
            return ProtocolErrors.NotUtf8;
        }

        if (request.ContentLength > limits.MaxBodyBytes)
        {
            await DrainAsync(request, limits, cancellationToken);
            return ProtocolErrors.BodyTooLarge;
        }

        var bodyResult = IsMultipartForm(request.ContentType)
            ? await ReadMultipartAsync(request, parameters, limits, cancellationToken)
            : TryParseBuffered(request, parameters, out var parsed) ? parsed : await ReadBodyAsync(request, parameters, limits, cancellationToken);
        if (bodyResult is not null)
        {
            return bodyResult;
        }

        return parameters.Count > limits.MaxParameters ? ProtocolErrors.TooManyParameters : parameters;
    }

    // What HttpRequest.HasFormContentType says of multipart, without parsing the header into objects
    // on every call: "multipart/form-data", then the end, parameters or spaces.
    private static bool IsMultipartForm(string? contentType)
    {
        var type = contentType.AsSpan().TrimStart();
        const string Multipart = "multipart/form-data";
        return type.StartsWith(Multipart, StringComparison.OrdinalIgnoreCase)
            && (type.Length == Multipart.Length || type[Multipart.Length] is ';' or ' ' or '\t');
    }

    private static async Task<ProtocolError?> ReadMultipartAsync(HttpRequest request, RequestParameters parameters, ProtocolLimits limits, CancellationToken cancellationToken)
    {
        IFormCollection form;
        try
        {
            var options = new FormOptions
            {
                MultipartBodyLengthLimit = limits.MaxBodyBytes,
                ValueLengthLimit = limits.MaxBodyBytes,
                ValueCountLimit = limits.MaxParameters,
            };
            form = await new FormFeature(request, options).ReadFormAsync(cancellationToken);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ProtocolErrors.BodyTooLarge;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException or DecoderFallbackException)
        {
            return ProtocolErrors.UnreadableBody;
        }

        foreach (var (name, values) in form)
        {
            foreach (var value in values)
            {
                parameters.AddBody(name, value ?? "");
            }
        }

        return null;
    }

    // The common case: a small body that arrived with its headers is parsed where it lies, with no
    // copy and no wait. False when it is not all here yet (nothing consumed then).
    private static bool TryParseBuffered(HttpRequest request, RequestParameters parameters, out ProtocolError? error)
    {
        error = null;
        if (request.ContentLength is not (> 0 and <= SmallBody and var declared) || !request.BodyReader.TryRead(out var read))
        {
            return false;
        }

        var buffer = read.Buffer;
        if (buffer.Length < declared || !buffer.IsSingleSegment)
        {
            request.BodyReader.AdvanceTo(buffer.Start);
            return false;
        }

        error = Parse(buffer.FirstSpan[..(int)declared], parameters);
        request.BodyReader.AdvanceTo(buffer.GetPosition(declared));
        return true;
    }

    private static async Task<ProtocolError?> ReadBodyAsync(HttpRequest request, RequestParameters parameters, ProtocolLimits limits, CancellationToken cancellationToken)
    {
        var maxBytes = limits.MaxBodyBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(SmallBody);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > maxBytes)
                    {
                        return ProtocolErrors.BodyTooLarge;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read;
                try
                {
                    read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                }
                catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
                {
                    return ProtocolErrors.BodyTooLarge;
                }

                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length == request.ContentLength)
                {
                    // The whole declared body is here: no further read just to learn that it ended.
                    break;
                }

                if (length > maxBytes)
                {
                    await DrainAsync(request, limits, cancellationToken);
                    return ProtocolErrors.BodyTooLarge;
                }
            }

            return Parse(buffer.AsSpan(0, length), parameters);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Reads and discards the rest of an oversized body, up to the drain limit, so that a client
    // still sending it can read the 413 instead of having its connection reset.
    private static async Task DrainAsync(HttpRequest request, ProtocolLimits limits, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limits.DrainLimitBytes)
        {
            return;
        }

        var scratch = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (await request.Body.ReadAsync(scratch, cancellationToken) > 0)
            {
            }
        }
        catch (BadHttpRequestException)
        {
            // Past the drain limit: the connection is closed after the answer.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static ProtocolError? Parse(ReadOnlySpan<byte> body, RequestParameters parameters)
    {
        var content = body;
        if (content.StartsWith("\uFEFF"u8))
        {
            content = content[3..];
        }

        content = content.TrimStart(" \t\r\n"u8);
        if (content.IsEmpty)
        {
            return null;
        }

        if (content[0] == '{')
        {
            return ParseJson(content, parameters);
        }

        return FormDecoder.TryDecode(content.TrimEnd(" \t\r\n"u8), parameters, fromBody: true) ? null : ProtocolErrors.NotUtf8;
    }

    // A flat object: string, number, bool or null values, or arrays of those (§2.1).
    private static ProtocolError? ParseJson(ReadOnlySpan<byte> json, RequestParameters parameters)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 3, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return ProtocolErrors.UnreadableBody;
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString() ?? "";
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (!TryScalar(ref reader, out var item))
                        {
                            return ProtocolErrors.UnreadableBody;
                        }

                        if (item is not null)
                        {
                            parameters.AddBody(name, item);
                        }
                    }

                    continue;
                }

                if (!TryScalar(ref reader, out var value))
                {
                    return ProtocolErrors.UnreadableBody;
                }

                if (value is not null)
                {
                    parameters.AddBody(name, value);
                }
            }

            reader.Read();
            return reader.BytesConsumed == json.Length || json[(int)reader.BytesConsumed..].Trim(" \t\r\n"u8).IsEmpty
                ? null
                : ProtocolErrors.UnreadableBody;
        }
        catch (JsonException)
        {
            return ProtocolErrors.UnreadableBody;
        }
        catch (InvalidOperationException)
        {
            return ProtocolErrors.UnreadableBody;
        }
    }

    private static bool TryScalar(ref Utf8JsonReader reader, out string? value)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                value = reader.GetString();
                return true;
            case JsonTokenType.Number:
                value = Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
                return true;
            case JsonTokenType.True:
                value = "1";
                return true;
            case JsonTokenType.False:
                value = "0";
                return true;
            case JsonTokenType.Null:
                value = null;
                return true;
            default:
                value = null;
                return false;
        }
    }
}
