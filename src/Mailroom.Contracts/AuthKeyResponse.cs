using System.Text.Json.Serialization;

namespace Mailroom.Contracts;

/// <summary>The answer of <c>mail/authkey</c>: both spellings carry the same key (PROTOCOL.md §7.3).</summary>
/// <param name="AuthKeySnake">The key under the name every published client reads.</param>
/// <param name="AuthKey">The key under the name the published text uses.</param>
public sealed record AuthKeyResponse(
    [property: JsonPropertyName("auth_key")] string AuthKeySnake,
    [property: JsonPropertyName("AuthKey")] string AuthKey);
