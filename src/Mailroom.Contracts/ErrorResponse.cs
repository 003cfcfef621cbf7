using System.Text.Json.Serialization;

namespace Mailroom.Contracts;

/// <summary>The error body of every protocol endpoint (PROTOCOL.md §3).</summary>
/// <param name="ErrCode">A string of digits, stable API.</param>
/// <param name="Error">A snake_case name, stable API.</param>
/// <param name="ErrMsg">A message for people, in English or Chinese.</param>
public sealed record ErrorResponse(
    [property: JsonPropertyName("errcode")] string ErrCode,
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("errmsg")] string ErrMsg);
