using System.Text.Json.Serialization;

namespace Mailroom.Contracts;

/// <summary>The answer of <c>/cgi-bin/token</c>: exactly these four keys (PROTOCOL.md §4).</summary>
/// <param name="AccessToken">The opaque, URL-safe bearer token.</param>
/// <param name="TokenType">Always <c>Bearer</c>.</param>
/// <param name="ExpiresIn">Seconds until the token expires.</param>
/// <param name="RefreshToken">Always empty: the client-credentials grant has no refresh.</param>
public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string RefreshToken);
